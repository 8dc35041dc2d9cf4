"""A review as text (terminal), Markdown (a ready pull-request comment) or JSON."""

from __future__ import annotations

import datetime as dt
import json

from ..findings import Finding, format_summary, format_text, sort_findings
from ..text import VIETNAM
from .approvals import Approval, ReviewRecord
from .board import CHANGE_KINDS, ROLES, BoardMember
from .ledger import LEDGER_KEY
from .review import STATES, Review, RuleResult


def when(moment: dt.datetime) -> str:
    """``01/05/2024 10:30`` in Vietnam time."""
    return moment.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")


def _names(members: list[BoardMember]) -> str:
    return ", ".join(m.name for m in members) or "không còn ai đủ điều kiện"


def _roles(roles: tuple[str, ...]) -> str:
    return " hoặc ".join(ROLES.get(r, r) for r in roles) or "thành viên Ban biên tập"


def rule_line(result: RuleResult) -> str:
    rule = result.rule
    if result.satisfied:
        return f"{rule.label}: đủ ({_names(result.approvers)})."
    needs = []
    if result.missing:
        needs.append(f"còn thiếu {result.missing} phê duyệt của {_roles(rule.roles)}")
    if result.missing_roles:
        needs.append(f"cần có phê duyệt của {_roles(result.missing_roles)}")
    who = result.candidates
    if result.missing_roles and not result.missing:
        who = [m for m in who if any(r in m.roles for r in result.missing_roles)]
    return f"{rule.label}: {'; '.join(needs)} — có thể duyệt: {_names(who)}."


def record_line(record: ReviewRecord) -> str:
    member = record.member
    who = f"{member.name} ({member.role_labels})" if member else record.reviewer or "(không rõ)"
    verb = "duyệt" if isinstance(record, Approval) else "yêu cầu chỉnh sửa"
    line = f"{who}, {when(record.date)} — {verb}"
    if record.note:
        line += f": “{record.note}”"
    if record.problem:
        line += f" [không tính: {record.problem}]"
    return line


def record_mark(record: ReviewRecord, marks: str = "✔✎✘") -> str:
    """A counted approval, a counted change request (it blocks), a record that does not count."""
    if not record.counts:
        return marks[2]
    return marks[0] if isinstance(record, Approval) else marks[1]


def verdict(review: Review) -> str:
    if review.mergeable:
        return "ĐƯỢC HỢP NHẤT: nội dung hợp lệ và đủ phê duyệt theo quy định."
    reasons = list(review.problems)
    if not review.content_ok:
        reasons.append("nội dung còn lỗi")
    if review.blocking:
        reasons.append("có yêu cầu chỉnh sửa của " + ", ".join(r.who() for r in review.blocking))
    if any(not r.satisfied for r in review.results):
        reasons.append("chưa đủ phê duyệt")
    return "CHƯA ĐƯỢC HỢP NHẤT: " + "; ".join(reasons) + "."


def shown_findings(review: Review) -> tuple[list[Finding], int]:
    """Findings worth showing: all in the changed files, errors anywhere; and how many
    warnings elsewhere (not the submission's doing) were left out."""
    changed = review.submission.changed_paths
    shown = [f for f in review.submission.findings if f.file in changed or f.is_error]
    return shown, len(review.submission.findings) - len(shown)


def _findings_summary(shown: list[Finding], hidden: int) -> str:
    summary = format_summary(shown)
    return summary + (f" Ngoài ra {hidden} cảnh báo ở các tệp khác (không thuộc bài gửi duyệt)."
                      if hidden else "")


def reviewed_by(review: Review) -> list[str]:
    """``Reviewed-by:`` lines naming every approval that counts."""
    return [f"Reviewed-by: {r.member}" for r in review.counted if r.member]


def merge_trailers(review: Review) -> list[str]:
    """The merge commit's trailers: :func:`reviewed_by` and ``Review-ledger:`` naming the
    ledger commit the approvals were read from (later reviews check the ledger still
    descends from it)."""
    ledger = [f"{LEDGER_KEY}: {review.submission.ledger}"] if review.submission.ledger else []
    return [*reviewed_by(review), *ledger]


def _change_lines(review: Review) -> list[str]:
    lines = []
    for change in review.submission.changes:
        kinds = ", ".join(CHANGE_KINDS.get(k, k) for k in change.kinds)
        title = f" — “{change.title}”" if change.title else ""
        lines.append(f"{kinds}: {change.path}{title}")
    return lines


def format_text_review(review: Review) -> str:
    sub = review.submission
    out = [f"Bài gửi duyệt: {sub.branch} → {sub.base}",
           f"  Đầu nhánh {sub.head[:10]}, cây nội dung {sub.tree[:10]}, gốc chung {sub.merge_base[:10]}",
           f"  Trạng thái: {STATES[review.state]}", "", "Thay đổi:"]
    out += [f"  • {line}" for line in _change_lines(review)] or ["  (không có)"]
    if sub.roster:
        out += ["", "Danh sách Ban biên tập (đối chiếu vân tay khoá với từng người):"]
        out += [f"  • {line}" for line in sub.roster]
    out += ["", "Kiểm tra nội dung:"]
    shown, hidden = shown_findings(review)
    if shown:
        out += ["  " + line for line in format_text(shown).splitlines()]
    out += [f"  {_findings_summary(shown, hidden)}", "", "Ý kiến duyệt:"]
    out += [f"  {record_mark(r)} {record_line(r)}" for r in sub.records] or ["  (chưa có)"]
    out += ["", "Quy định duyệt (theo nhánh gốc):"]
    out += [f"  {'✔' if r.satisfied else '✘'} {rule_line(r)}" for r in review.results]
    out += ["", verdict(review)]
    return "\n".join(out)


def format_markdown_review(review: Review) -> str:
    """A pull-request comment: changes, checks, approvals, rules, verdict, merge trailers."""
    sub = review.submission
    mark = "✅" if review.mergeable else "⛔"
    out = [f"## {mark} Duyệt bài: `{sub.branch}` → `{sub.base}`", "",
           f"**Trạng thái:** {STATES[review.state]}  ", f"**{verdict(review)}**", "",
           f"Cây nội dung được duyệt: `{sub.tree}` · gốc chung: `{sub.merge_base[:12]}`", "",
           "### Thay đổi", ""]
    out += [f"- {line}" for line in _change_lines(review)] or ["- (không có)"]
    if sub.roster:
        out += ["", "### Danh sách Ban biên tập", "", "Đối chiếu vân tay khoá với từng người:", ""]
        out += [f"- {line}" for line in sub.roster]
    out += ["", "### Kiểm tra nội dung", ""]
    shown, hidden = shown_findings(review)
    if shown:
        out += ["```", format_text(shown), "```", ""]
    out += [_findings_summary(shown, hidden), "", "### Quy định duyệt (theo nhánh gốc)", "",
            "| | Quy định | Tình trạng |", "|---|---|---|"]
    out += [f"| {'✅' if r.satisfied else '⬜'} | {r.rule.label} | {rule_line(r).split(': ', 1)[1]} |"
            for r in review.results]
    out += ["", "### Ý kiến duyệt", ""]
    out += [f"- {record_mark(r, '✅✋❌')} {record_line(r)}" for r in sub.records] or ["- (chưa có)"]
    out += ["", "<details><summary>Cách duyệt</summary>", "",
            "```sh", f"invoke approve {sub.branch} --push",
            f"invoke approve {sub.branch} --request-changes -m \"Lý do…\" --push", "```", "",
            "Phê duyệt là một commit có chữ ký SSH trong sổ duyệt `ban-bien-tap/so-duyet`; "
            "`--push` đẩy sổ duyệt lên máy chủ.",
            "</details>"]
    if review.mergeable:
        out += ["", "Khi hợp nhất, ghi vào commit hợp nhất:", "", "```",
                *merge_trailers(review), "```"]
    return "\n".join(out) + "\n"


def review_json(review: Review) -> dict:
    sub = review.submission
    return {
        "branch": sub.branch, "base": sub.base, "head": sub.head, "tree": sub.tree,
        "merge_base": sub.merge_base, "state": review.state, "mergeable": review.mergeable,
        "changes": [{"path": c.path, "status": c.status, "kinds": list(c.kinds), "title": c.title,
                     "old_path": c.old_path} for c in sub.changes],
        "findings": [f.to_dict() for f in sort_findings(sub.findings)],
        "records": [{"commit": r.commit, "kind": r.kind, "reviewer": r.reviewer,
                     "name": r.member.name if r.member else None, "tree": r.tree, "base": r.base,
                     "date": r.date.isoformat(), "note": r.note, "counts": r.counts,
                     "problem": r.problem} for r in sub.records],
        "rules": [{"id": r.rule.id, "label": r.rule.label, "satisfied": r.satisfied,
                   "approvers": [m.email for m in r.approvers], "missing": r.missing,
                   "missing_roles": list(r.missing_roles),
                   "candidates": [m.email for m in r.candidates]} for r in review.results],
        "problems": review.problems,
        "roster": sub.roster,
        "reviewed_by": reviewed_by(review),
        "ledger": sub.ledger,
    }


def format_review(review: Review, fmt: str = "text") -> str:
    if fmt == "json":
        return json.dumps(review_json(review), ensure_ascii=False, indent=2)
    if fmt == "markdown":
        return format_markdown_review(review)
    return format_text_review(review)
