"""Bàn làm việc (the desk): ``invoke desk``, a local web application over the same library as
the command line — writers write, import from Word and submit; the board reviews, signs
and merges. See docs/desk.md."""
