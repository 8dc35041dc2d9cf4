"""The desk's pages: the writer's (Bài của tôi, Viết bài mới, Nhập từ Word) and the board's
(Hàng chờ duyệt, one submission). Views only translate between HTTP and the library."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)

from .. import text as vi
from ..editorial.approvals import APPROVE, REQUEST_CHANGES
from ..editorial.board import CHANGE_KINDS, ROLES, BoardError, load_board
from ..editorial.cli import default_key
from ..editorial.review import STATES
from ..editorial.submit import SubmitError
from ..findings import Finding, has_errors, sort_findings
from ..model import ACTION_ITEM_STATUSES, PRIORITIES, PUBLICATION_STATUSES, Document
from ..tracker import track
from . import reviewing
from .builder import BuilderError, Builders, Built
from .changes import file_diffs
from .compose import ARTICLE, DOCUMENT, KINDS, MEETING, Form, apply_operation, form_from_post
from .workspace import DeskError, Draft, Workspace

writer = Blueprint("writer", __name__)
board = Blueprint("board", __name__)

# A sandboxed page: an opaque origin without scripts, so nothing in a previewed page can
# read or drive the desk.
SANDBOX = "sandbox; default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'none'"
_FIELD_INDEX = re.compile(r"\[(\d+)\]\.?")


def workspace() -> Workspace:
    return current_app.extensions["desk.workspace"]


def build(draft: Draft) -> Built:
    """Build ``draft``'s site in its resident builder (started when first needed)."""
    builders: Builders = current_app.extensions["desk.builders"]
    try:
        return builders.build(draft.path)
    except BuilderError as error:
        raise DeskError(str(error)) from error


def finding_records(findings: list[Finding]) -> list[dict]:
    """Findings for the page's script: each with the field it is shown beside."""
    return [{**f.to_dict(), "key": field_key(f.field), "is_error": f.is_error} for f in sort_findings(findings)]


def field_key(name: str | None) -> str:
    """Where a finding is shown: ``action_items[2].owner`` → ``action_items-2-owner``."""
    if not name:
        return ""
    if name in ("author", "authors"):
        return "authors"
    key = _FIELD_INDEX.sub(lambda m: f"-{m.group(1)}-", name).rstrip("-")
    if key.startswith("decisions-"):
        return key + "-text"
    return key


def by_field(findings: list[Finding]) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = {}
    for f in sort_findings(findings):
        grouped.setdefault(field_key(f.field), []).append(f)
    return grouped


def choices(draft_root: Path | None = None) -> dict:
    """What the form offers: categories, units, people, statuses, open action items."""
    ws = workspace()
    rules, _, _ = draft_root_rules(draft_root or ws.root)
    from ..content import read_content

    documents, _ = read_content(rules)
    people = sorted({a for d in documents for a in getattr(d, "authors", ())})
    issuers = sorted({d.issuer for d in documents if isinstance(d, Document) and d.issuer})
    with contextlib.suppress(BoardError):
        people = sorted({*people, *(m.name for m in load_board(ws.git, ws.base).active_members)})
    items = [t for t in track(documents) if t.is_open]
    return {"categories": rules.categories, "units": rules.unit_names, "people": people,
            "statuses": PUBLICATION_STATUSES, "item_statuses": ACTION_ITEM_STATUSES,
            "priorities": PRIORITIES, "open_items": items, "document_types": rules.document_types,
            "issuers": issuers}


def draft_root_rules(root: Path):
    from .workspace import site_rules_at

    return site_rules_at(root)


def render_form(form: Form, draft: Draft | None, findings: list[Finding], message: str = "", status: int = 200,
                notes: list[str] = ()):
    return render_template("form.html", form=form, draft=draft, findings=findings, notes=notes,
                           grouped=by_field(findings), blocked=has_errors(findings), message=message,
                           **choices(draft.path if draft else None)), status


# ---------------------------------------------------------------------- writer
@writer.get("/")
def home():
    ws = workspace()
    name, email = ws.me()
    return render_template("home.html", name=name, email=email)


@writer.get("/bai-cua-toi")
def mine():
    rows = reviewing.my_submissions(workspace())
    return render_template("mine.html", rows=rows, states={**STATES, **reviewing.MY_STATES})


@writer.get("/viet-bai-moi")
def new():
    kind = request.args.get("loai") if request.args.get("loai") in KINDS else ARTICLE
    name, _ = workspace().me()
    form = Form(kind, fields={"status": "published"} if kind == DOCUMENT else {"authors": name, "status": "published"})
    if kind == MEETING:
        form.rows["decisions"].append({"text": ""})
    return render_form(form, None, [])


@writer.post("/viet-bai-moi")
def create():
    form = form_from_post(request.form, request.form.get("kind", ARTICLE))
    operation = request.form.get("op", "")
    if operation:
        apply_operation(form, operation)
        return render_form(form, None, [])
    try:
        draft = workspace().new_draft(form, attachment=_attachment(form))
    except DeskError as error:
        return render_form(form, None, [], message=str(error), status=400)
    return redirect(url_for("writer.edit", name=draft.name, saved=1), 303)


def _attachment(form: Form) -> tuple[bytes, str] | None:
    """The Văn bản's file posted with its form (``tep``), if any."""
    upload = request.files.get("tep")
    if form.kind != DOCUMENT or upload is None or not upload.filename:
        return None
    return upload.read(), upload.filename


def _draft(name: str) -> Draft:
    try:
        return workspace().draft(name)
    except DeskError:
        abort(404)


@writer.get("/ban-nhap/<name>")
def edit(name: str):
    draft = _draft(name)
    findings, _ = draft.findings()
    message = "Đã lưu bản nháp và kiểm tra." if request.args.get("saved") else ""
    if request.args.get("sent"):
        message = "Đã gửi duyệt: bài đã lên máy chủ, Ban biên tập sẽ thấy trong Hàng chờ duyệt."
    return render_form(draft.read_form(), draft, findings, message)


@writer.post("/ban-nhap/<name>")
def update(name: str):
    ws = workspace()
    draft = _draft(name)
    form = form_from_post(request.form, draft.kind())
    action = request.form.get("action", "save")
    operation = request.form.get("op", "")
    if operation:
        apply_operation(form, operation)
        return render_form(form, draft, draft.findings()[0])
    attachment = _attachment(form)
    if attachment:
        try:
            form.fields["file"] = draft.save_attachment(*attachment, form)
        except DeskError as error:
            return render_form(form, draft, draft.findings()[0], str(error), 400)
    draft.save(form)
    findings, _ = draft.findings()
    if action == "preview":
        if has_errors(findings):  # the build would stop on them (content_checks), as invoke build does
            return render_form(form, draft, findings, "Sửa các lỗi bên dưới trước khi xem trước.", 400)
        built = build(draft)
        if not built.ok:
            return render_form(form, draft, built.findings or findings, built.summary(), 400)
        return redirect(url_for("writer.preview", name=name), 303)
    if action == "submit":
        try:
            ws.submit(draft)
        except SubmitError as error:
            return render_form(form, draft, error.findings or findings, str(error), 400)
        return redirect(url_for("writer.edit", name=name, sent=1), 303)
    return redirect(url_for("writer.edit", name=name, saved=1), 303)


@writer.post("/ban-nhap/<name>/kiem-tra")
def live_check(name: str):
    """Kiểm tra as the writer types (the page's script): save the draft, return its findings."""
    draft = _draft(name)
    draft.save(form_from_post(request.form, draft.kind()))
    findings, _ = draft.findings()
    return jsonify(blocked=has_errors(findings), findings=finding_records(findings))


@writer.post("/ban-nhap/<name>/dung-xem-truoc")
def live_preview(name: str):
    """The live preview (the page's script, after a Kiểm tra without error): the saved draft
    built by its resident builder; the address of its fresh page, or why there is none."""
    draft = _draft(name)
    findings, document = draft.findings()
    errors = [f for f in findings if f.is_error]
    if errors:
        return jsonify(ok=False, message="Bài còn lỗi nên chưa dựng lại trang xem trước; sửa các lỗi này:",
                       findings=finding_records(errors))
    try:
        built = build(draft)
    except DeskError as error:
        return jsonify(ok=False, message=str(error), findings=[])
    if not built.ok:
        return jsonify(ok=False, message=built.summary(),
                       findings=finding_records(built.findings))
    page = draft.page_address(document)
    if page is None:
        return jsonify(ok=False, message="Đã dựng trang nhưng không thấy trang của bài trong bản dựng.", findings=[])
    return jsonify(ok=True, url=url_for("writer.built", name=name, path=page), patched=bool(built.patched))


@writer.post("/ban-nhap/<name>/anh")
def image(name: str):
    draft = _draft(name)
    upload = request.files.get("image")
    alt = request.form.get("alt", "").strip().replace("]", ")").replace("[", "(")
    wants_json = request.accept_mimetypes.best == "application/json"
    if upload is None or not upload.filename:
        raise DeskError("Hãy chọn một tệp ảnh.")
    form = draft.read_form()
    try:
        path = draft.save_image(upload.read(), upload.filename, vi.parse_datetime(form.get("date")))
    except DeskError as error:
        if wants_json:
            return jsonify(error=str(error)), 400
        raise
    markdown = f"![{alt}]({path})"
    if wants_json:
        return jsonify(path=path, markdown=markdown)
    form.body = form.body.rstrip("\n") + f"\n\n{markdown}\n"
    draft.save(form)
    return redirect(url_for("writer.edit", name=name, saved=1) + "#body", 303)


@writer.get("/ban-nhap/<name>/xem-truoc")
def preview(name: str):
    draft = _draft(name)
    _, document = draft.findings()
    page = draft.page_address(document)
    return render_template("preview.html", draft=draft, page=page, title=getattr(document, "title", name))


@writer.get("/ban-nhap/<name>/trang/")
@writer.get("/ban-nhap/<name>/trang/<path:path>")
def built(name: str, path: str = ""):
    draft = _draft(name)
    output = draft.path / "output"
    if not path or path.endswith("/"):
        path += "index.html"
    response = send_from_directory(output, path)
    response.headers["Content-Security-Policy"] = SANDBOX
    return response


# ---------------------------------------------------------------------- board
@board.get("/hang-cho-duyet")
def queue():
    entries = reviewing.submissions(workspace())
    return render_template("queue.html", entries=entries, states=STATES)


@board.route("/bai-gui-duyet", methods=["GET", "POST"])
def submission():
    ws = workspace()
    branch = request.values.get("nhanh", "")
    message, status = "", 200
    if request.method == "POST":
        action = request.form.get("action", "")
        try:
            if action in (APPROVE, REQUEST_CHANGES):
                signer = reviewing.Signer(Path(request.form.get("key") or default_key(ws.git)).expanduser(),
                                          request.form.get("passphrase") or None)
                member, _ = reviewing.record(ws, branch, action, request.form.get("note", ""), signer)
                verb = "phê duyệt" if action == APPROVE else "yêu cầu chỉnh sửa"
                message = f"Đã ký và gửi {verb} của {member.name}."
            elif action == "merge":
                result = reviewing.merge(ws, branch)
                if not result.merged:
                    raise DeskError(f"Từ chối hợp nhất: {result.refusal}")
                message = f"Đã hợp nhất và đẩy lên máy chủ (commit {result.commit[:10]})."
            else:
                raise DeskError("Thao tác không hợp lệ.")
        except DeskError as error:
            message, status = str(error), 400
        if status == 200:
            return redirect(url_for("board.submission", nhanh=branch, ok=message), 303)
    rev = reviewing.submission(ws, branch)
    return render_template("submission.html", branch=branch, rev=rev, states=STATES, kinds=CHANGE_KINDS,
                           roles=ROLES, diffs=file_diffs(ws.git, rev), key=default_key(ws.git),
                           message=message or request.args.get("ok", ""), failed=status != 200,
                           grouped=by_field(rev.submission.findings)), status


PREVIEW_KEY = re.compile(r"^[0-9a-f]{40}-[0-9a-f]{12}$")


@board.get("/bai-gui-duyet/xem-truoc")
def submission_preview():
    """Xem trước: each changed page of the submission, built with the base's code."""
    ws = workspace()
    branch = request.args.get("nhanh", "")
    built = reviewing.preview(ws, branch)
    pages = [(path, page.relative_to(built.dest).as_posix()) for path, page in built.pages.items()]
    return render_template("submission_preview.html", branch=branch, built=built, pages=pages,
                           key=built.dest.name, message=built.error or "", failed=bool(built.error))


@board.get("/xem-truoc-duyet/<key>/")
@board.get("/xem-truoc-duyet/<key>/<path:path>")
def submission_page(key: str, path: str = ""):
    """A page (or its CSS, image) of a submission's preview, in the sandbox."""
    if not PREVIEW_KEY.match(key):
        abort(404)
    if not path or path.endswith("/"):
        path += "index.html"
    response = send_from_directory(workspace().drafts_dir.parent / "xem-truoc" / key, path)
    response.headers["Content-Security-Policy"] = SANDBOX
    return response


@board.get("/bai-gui-duyet/tep")
def blob():
    """An image of the submission (``ben=moi``) or of its base (``ben=cu``), from git objects."""
    ws = workspace()
    rev = reviewing.submission(ws, request.args.get("nhanh", ""))
    path = request.args.get("duong-dan", "")
    change = next((c for c in rev.submission.changes if path in (c.path, c.old_path)), None)
    if change is None or not path.lower().endswith((".jpg", ".jpeg", ".png", ".gif", ".webp")):
        abort(404)
    side = rev.submission.head if request.args.get("ben") == "moi" else rev.submission.merge_base
    data = ws.git.show(side, path)
    if data is None:
        abort(404)
    kind = {"png": "image/png", "gif": "image/gif", "webp": "image/webp"}.get(path.rsplit(".", 1)[-1].lower(),
                                                                                "image/jpeg")
    return current_app.response_class(data, mimetype=kind, headers={"Content-Security-Policy": SANDBOX})


@writer.app_template_filter("field_key")
def field_key_filter(name: str | None) -> str:
    return field_key(name)


# ---------------------------------------------------------------------- Word
DOCX_MAGIC = b"PK\x03\x04"


@writer.route("/nhap-tu-word", methods=["GET", "POST"])
def import_word():
    if request.method == "GET":
        return render_template("import.html")
    upload = request.files.get("docx")
    if upload is None or not upload.filename:
        raise DeskError("Hãy chọn một tệp Word (.docx).")
    data = upload.read()
    if not upload.filename.lower().endswith(".docx") or not data.startswith(DOCX_MAGIC):
        return render_template("import.html", message="Tệp không phải tài liệu Word .docx; hãy lưu tệp "
                               "dưới dạng \"Word Document (.docx)\" rồi thử lại.", failed=True), 400
    try:
        draft, notes = workspace().import_draft(data, upload.filename, meeting=bool(request.form.get("meeting")))
    except DeskError as error:
        return render_template("import.html", message=str(error), failed=True), 400
    findings, _ = draft.findings()
    message = "Đã nhập từ Word. Hãy đọc lại bài, sửa các lỗi (nếu có) rồi gửi duyệt."
    return render_form(draft.read_form(), draft, findings, message, notes=notes)
