"""The editorial board (Ban biên tập): its roster of members and its review policy.

Both are data in ``editorial/board.yml`` and ``editorial/policy.yml``, and both are always
read from the **base** branch (``git show main:editorial/board.yml``) so a submission can
never change the rules that judge it. ``editorial/people.yml`` (optional, also read from the
base) says which bylines each person writes under, so that self-approval is decided by
identity, not by the spelling of a byline.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass, field

import yaml

from ..git import Git
from ..text import clean_line, fold

BOARD_FILE = "editorial/board.yml"
POLICY_FILE = "editorial/policy.yml"
PEOPLE_FILE = "editorial/people.yml"
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_LIST = re.compile(r"[,;/&+()\[\]]|\s-+\s|\bva\b|\band\b")  # "A, B và C (ghi chú)" folded

CHIEF_EDITOR, EDITOR, MAINTAINER = "chief_editor", "editor", "maintainer"
ROLES = {
    CHIEF_EDITOR: "Tổng biên tập",
    EDITOR: "Biên tập viên",
    MAINTAINER: "Kỹ thuật viên",
}

# What a submission changes, by kind: the policy's ``kinds`` name these keys.
NEW_ARTICLE, EDITED_ARTICLE, REMOVED_ARTICLE = "new_article", "edited_article", "removed_article"
MEETING, ACTION_ITEMS, PAGE_CHANGE = "meeting_report", "action_items", "page"
CONTENT_FILE, CODE, EDITORIAL = "content_file", "code", "editorial"
CHANGE_KINDS = {
    NEW_ARTICLE: "Bài viết mới",
    EDITED_ARTICLE: "Bài viết được sửa",
    REMOVED_ARTICLE: "Bài viết bị gỡ",
    MEETING: "Báo cáo cuộc họp",
    ACTION_ITEMS: "Nhiệm vụ được thêm hoặc thay đổi",
    PAGE_CHANGE: "Trang tĩnh",
    CONTENT_FILE: "Tệp nội dung khác (ảnh, dữ liệu)",
    CODE: "Mã nguồn, giao diện, cấu hình",
    EDITORIAL: "Ban biên tập và quy định duyệt",
}

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class BoardError(Exception):
    """The roster or the policy cannot be read; the message is in Vietnamese."""


def key_id(public_key: str) -> str:
    """``ssh-ed25519 AAAA…`` without its comment: how two keys are compared."""
    parts = public_key.split()
    return " ".join(parts[:2]) if len(parts) >= 2 else public_key.strip()


def fingerprint(public_key: str) -> str:
    """``SHA256:…``, as ``ssh-keygen -l`` prints it: what a member reads out to check their key."""
    try:
        blob = base64.b64decode(public_key.split()[1], validate=True)
    except (IndexError, binascii.Error):
        return "(khoá không đọc được)"
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


@dataclass(frozen=True)
class BoardMember:
    """A member of the board: who, which roles, which SSH key signs their reviews."""

    name: str
    email: str
    roles: tuple[str, ...]
    key: str
    revoked: bool = False
    forge_user: str | None = None
    aliases: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return not self.revoked

    def has_any(self, roles: tuple[str, ...]) -> bool:
        return not roles or any(r in self.roles for r in roles)

    @property
    def role_labels(self) -> str:
        return ", ".join(ROLES.get(r, r) for r in self.roles)

    @property
    def owner(self) -> str:
        """How CODEOWNERS names the member: forge user name, else e-mail."""
        if self.forge_user:
            return self.forge_user if self.forge_user.startswith("@") else f"@{self.forge_user}"
        return self.email

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


@dataclass(frozen=True)
class Person:
    """Someone who writes (``people.yml``): full name, the bylines they write under, e-mails."""

    name: str
    aliases: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()

    @property
    def folded(self) -> set[str]:
        return {fold(n) for n in (self.name, *self.aliases) if n.strip()}


def _words(text: str) -> tuple[str, ...]:
    """A name's words, folded, punctuation left out: "ThS. Trần Văn Đức" → (ths, tran, van, duc)."""
    return tuple(_NOT_WORD.sub(" ", fold(text)).split())


def _names_in(byline: str) -> set[tuple[str, ...]]:
    """Each name of a byline, as words: the names of a list ("A, B và C") and the name before a
    note ("Trần Văn Đức (Phòng Đào tạo)", "… - Phòng Đào tạo") apart."""
    return {w for w in map(_words, _LIST.split(fold(byline))) if w}


@dataclass(frozen=True)
class Rule:
    """One requirement: ``approvals`` distinct members with one of ``roles`` must approve.

    ``must_include`` lists roles that at least one of those approvers must hold.
    """

    id: str
    label: str
    kinds: tuple[str, ...]
    approvals: int = 1
    roles: tuple[str, ...] = ()
    must_include: tuple[str, ...] = ()


@dataclass(frozen=True)
class Policy:
    rules: tuple[Rule, ...]

    def rules_for(self, kinds: set[str]) -> list[Rule]:
        """The rules that apply to a submission with changes of these kinds."""
        return [r for r in self.rules if kinds & set(r.kinds)]


@dataclass(frozen=True)
class EditorialBoard:
    """Roster + policy, as read from one revision."""

    members: tuple[BoardMember, ...]
    policy: Policy
    revision: str = ""
    people: tuple[Person, ...] = ()
    _by_email: dict[str, BoardMember] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_email.update({m.email.lower(): m for m in self.members})

    def member(self, email: str) -> BoardMember | None:
        """The member with this e-mail, revoked or not."""
        return self._by_email.get(email.strip().lower())

    def member_with_key(self, public_key: str) -> BoardMember | None:
        wanted = key_id(public_key)
        return next((m for m in self.members if key_id(m.key) == wanted), None)

    @property
    def active_members(self) -> list[BoardMember]:
        return [m for m in self.members if m.active]

    def identity(self, member: BoardMember) -> tuple[set[str], set[str]]:
        """(folded names and bylines, e-mails) of ``member``: the roster entry joined with the
        ``people.yml`` entries that share its name, an alias or an e-mail."""
        names = Person(member.name, member.aliases).folded
        emails = {member.email.lower()}
        for person in self.people:
            if person.folded & names or emails & set(person.emails):
                names |= person.folded
                emails |= set(person.emails)
        return names, emails

    @property
    def registered(self) -> set[str]:
        """Every folded name and alias someone is registered under (roster or people.yml)."""
        found = {fold(n) for m in self.members for n in (m.name, *m.aliases)}
        return found.union(*(p.folded for p in self.people))

    def is_author(self, member: BoardMember, bylines: set[str], emails: set[str]) -> bool:
        """Whether ``member`` wrote what has these bylines (or commit author names) and e-mails.

        Bylines are compared word by word, punctuation left out, each name of a list on its
        own. A byline is theirs when it is their name or alias; a byline nobody is registered
        under is theirs when it is their name or an alias of two words or more after a title
        ("ThS. Trần Văn Đức"), or when, of two words or more, it ends their full name
        ("Hồng Nhung" → "Ngô Thị Hồng Nhung"): the cautious reading.
        """
        names, own_emails = self.identity(member)
        if {e.lower() for e in emails} & own_emails:
            return True
        own = {_words(n) for n in names}
        registered = {_words(n) for n in self.registered}
        full = _words(member.name)
        for words in set().union(*(_names_in(b) for b in bylines)):
            if words in own:
                return True
            if words in registered:
                continue
            titled = any(len(name) >= 2 and words[-len(name):] == name for name in own)
            if titled or (len(words) >= 2 and full[-len(words):] == words):
                return True
        return False

    def allowed_signers(self) -> str:
        """git's ``gpg.ssh.allowedSignersFile`` content: active members only."""
        return "".join(f'{m.email} namespaces="git" {key_id(m.key)}\n' for m in self.active_members)


# ---------------------------------------------------------------------- loading
def _strings(value: object, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BoardError(f"{where}: phải là danh sách chữ.")
    return tuple(clean_line(v) for v in value)


def load_yaml(raw: bytes | str, source: str) -> dict:
    """One YAML file of the board's data as a mapping; :class:`BoardError` names ``source``."""
    try:
        data = yaml.load(raw, Loader=_Loader)
    except yaml.YAMLError as error:
        raise BoardError(f"{source}: sai cú pháp YAML ({error}).") from error
    if not isinstance(data, dict):
        raise BoardError(f"{source}: phải là một khối 'tên trường: giá trị'.")
    return data


def _entries(raw: bytes | str, source: str, key: str) -> list[tuple[str, object]]:
    """(where, entry) for each item of the list ``key`` of a YAML file."""
    entries = load_yaml(raw, source).get(key)
    if not isinstance(entries, list):
        raise BoardError(f"{source}: thiếu danh sách '{key}'.")
    return [(f"{source}: {key}[{index}]", entry) for index, entry in enumerate(entries)]


def parse_members(raw: bytes | str, source: str = BOARD_FILE) -> tuple[BoardMember, ...]:
    """Members from ``board.yml``; a member with ``removed: true`` is dropped."""
    members = []
    for where, entry in _entries(raw, source, "members"):
        if not isinstance(entry, dict):
            raise BoardError(f"{where}: mỗi thành viên là một khối name/email/roles/key.")
        missing = [k for k in ("name", "email", "roles", "key") if not entry.get(k)]
        if missing:
            raise BoardError(f"{where}: thiếu {', '.join(missing)}.")
        roles = _strings(entry["roles"], f"{where}.roles")
        unknown = [r for r in roles if r not in ROLES]
        if unknown:
            raise BoardError(f"{where}.roles: vai trò không hợp lệ {', '.join(unknown)} "
                             f"(dùng: {', '.join(ROLES)}).")
        if entry.get("removed"):
            continue
        members.append(BoardMember(
            name=clean_line(str(entry["name"])),
            email=str(entry["email"]).strip(),
            roles=roles,
            key=str(entry["key"]).strip(),
            revoked=bool(entry.get("revoked", False)),
            forge_user=str(entry["forge_user"]).strip() if entry.get("forge_user") else None,
            aliases=_strings(entry.get("aliases"), f"{where}.aliases"),
        ))
    return tuple(members)


def parse_people(raw: bytes | str, source: str = PEOPLE_FILE) -> tuple[Person, ...]:
    """People from ``people.yml``: ``name``, ``aliases`` (bylines), optional ``email``."""
    people = []
    for where, entry in _entries(raw, source, "people"):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
            raise BoardError(f"{where}: mỗi người cần 'name' (họ tên đầy đủ), có thể thêm 'aliases', 'email'.")
        emails = _strings(entry.get("email"), f"{where}.email")
        people.append(Person(clean_line(entry["name"]), _strings(entry.get("aliases"), f"{where}.aliases"),
                             tuple(e.lower() for e in emails)))
    return tuple(people)


def parse_policy(raw: bytes | str, source: str = POLICY_FILE) -> Policy:
    entries = load_yaml(raw, source).get("rules")
    if not isinstance(entries, list) or not entries:
        raise BoardError(f"{source}: thiếu danh sách 'rules'.")
    rules = []
    for index, entry in enumerate(entries):
        where = f"{source}: rules[{index}]"
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("kinds"):
            raise BoardError(f"{where}: mỗi quy định cần 'id' và 'kinds'.")
        approvals = entry.get("approvals", 1)
        if isinstance(approvals, bool) or not isinstance(approvals, int) or approvals < 1:
            raise BoardError(f"{where}.approvals: phải là số nguyên dương.")
        roles = _strings(entry.get("roles"), f"{where}.roles")
        must = _strings(entry.get("must_include"), f"{where}.must_include")
        kinds = _strings(entry["kinds"], f"{where}.kinds")
        unknown = [r for r in (*roles, *must) if r not in ROLES]
        if unknown:
            raise BoardError(f"{where}: vai trò không hợp lệ {', '.join(unknown)}.")
        strange = [k for k in kinds if k not in CHANGE_KINDS]
        if strange:
            raise BoardError(f"{where}.kinds: loại thay đổi không hợp lệ {', '.join(strange)} "
                             f"(dùng: {', '.join(CHANGE_KINDS)}).")
        rules.append(Rule(id=str(entry["id"]), label=clean_line(str(entry.get("label") or entry["id"])),
                          kinds=kinds, approvals=approvals,
                          roles=roles, must_include=must))
    return Policy(tuple(rules))


def load_board(git: Git, revision: str) -> EditorialBoard:
    """The board as written on ``revision`` (the base branch), never the working tree."""
    board_raw = git.show(revision, BOARD_FILE)
    policy_raw = git.show(revision, POLICY_FILE)
    if board_raw is None or policy_raw is None:
        missing = BOARD_FILE if board_raw is None else POLICY_FILE
        raise BoardError(f"Nhánh gốc {revision} không có {missing}: chưa có Ban biên tập để duyệt.")
    people_raw = git.show(revision, PEOPLE_FILE)
    people = parse_people(people_raw) if people_raw is not None else ()
    return EditorialBoard(parse_members(board_raw), parse_policy(policy_raw), revision=revision, people=people)


def roster_changes(before: tuple[BoardMember, ...], after: tuple[BoardMember, ...]) -> list[str]:
    """Who a roster change adds, drops or changes, with key fingerprints to check with each person."""
    old = {m.email.lower(): m for m in before}
    new = {m.email.lower(): m for m in after}
    lines = [f"Thêm: {m} — {m.role_labels}, khoá {fingerprint(m.key)}" for e, m in new.items() if e not in old]
    lines += [f"Bỏ: {m}" for e, m in old.items() if e not in new]
    for email in old.keys() & new.keys():
        was, now = old[email], new[email]
        what = []
        if was.roles != now.roles:
            what.append(f"vai trò {was.role_labels} → {now.role_labels}")
        if key_id(was.key) != key_id(now.key):
            what.append(f"khoá {fingerprint(was.key)} → {fingerprint(now.key)}")
        if was.revoked != now.revoked:
            what.append("thu hồi quyền duyệt" if now.revoked else "trả lại quyền duyệt")
        if was.name != now.name:
            what.append(f"tên {was.name} → {now.name}")
        if what:
            lines.append(f"Đổi: {now} — {'; '.join(what)}")
    return lines
