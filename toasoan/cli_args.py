"""``invoke new article Học viện khai giảng``: a title typed without quotes is one title.

Invoke splits the command line into words, so an unquoted title reaches ``new`` as many
arguments and invoke stops with "No idea what 'viện' is!". Invoke parses its own options
first, then imports ``tasks.py``, then parses the task arguments from what its first pass
left (``Program.core.unparsed``); :func:`join_new_title`, called by ``tasks.py`` at import,
joins the title's words in that list before the second pass reads it.

The rule, as the writer guide states it: after ``new`` come the kind (``article`` or
``meeting``) and the title's words; ``--author`` takes the words after it up to the next
option (only one when typed in quotes), so ``--author Thu Phương`` needs no quotes either.
"""

from __future__ import annotations

KINDS = ("article", "meeting")
TEXT_OPTIONS = ("--author", "-a", "--title", "-t")  # take every word up to the next option
WORD_OPTIONS = ("--kind", "-k")  # take one word


def _is_option(word: str) -> bool:
    return word.startswith("-") and len(word) > 1


def _quoted(words: list[str]) -> bool:
    """Whether the first value word was typed in quotes (it holds a space)."""
    return bool(words) and " " in words[0]


def _takes(option: str, words: list[str], word: str, kind_missing: bool) -> bool:
    """Whether ``word`` continues the value of ``option`` (which has ``words`` so far)."""
    if option in WORD_OPTIONS:
        return not words
    if kind_missing and words and word in KINDS:  # "--author Thu Phương article …"
        return False
    return not _quoted(words)


def join_title_words(args: list[str]) -> list[str]:
    """``["new", "article", "Học", "viện", "--author", "Thu", "Phương"]`` →
    ``["new", "article", "Học viện", "--author", "Thu Phương"]``; other commands unchanged.

    Every word after the kind is the title's, quoted or not (so ``new`` cannot be followed
    by another task on the same line). A missing kind or title becomes ``""``, so ``new``
    itself says in Vietnamese what to type.
    """
    if not args or args[0] != "new":
        return args
    positional: list[str] = []
    options: list[tuple[str, list[str] | None]] = []  # (option, its words; None: a switch)
    for word in args[1:]:
        option, words = options[-1] if options else ("", None)
        if _is_option(word):
            name, has_value, value = word.partition("=")
            if name in TEXT_OPTIONS or name in WORD_OPTIONS:
                options.append((name, [value] if has_value else []))
            else:
                options.append((word, None))
        elif words is not None and _takes(option, words, word, not positional):
            words.append(word)
        else:
            options.append(("", None))  # the option's value has ended
            positional.append(word)
    named = {name for name, _ in options if name}
    title = 0 if named & set(WORD_OPTIONS) else 1  # where the title's words start
    if len(positional) > title + 1:
        positional[title:] = [" ".join(positional[title:])]
    if named <= {*TEXT_OPTIONS, *WORD_OPTIONS}:  # not "--help"
        wanted = title + (not named & {"--title", "-t"})
        positional += [""] * (wanted - len(positional))
    joined = ["new", *positional]
    for name, words in options:
        if name:
            joined += [name] if not words else [name, " ".join(words)]
    return joined


def join_new_title() -> None:
    """Rewrite the running ``invoke`` program's task arguments with :func:`join_title_words`."""
    from invoke.main import program

    core = getattr(program, "core", None)
    unparsed = getattr(core, "unparsed", None)
    if isinstance(unparsed, list):
        unparsed[:] = join_title_words(unparsed)
