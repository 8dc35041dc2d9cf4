"""The page ``invoke livereload`` shows in the browser while the last build failed.

It lists the findings the way ``invoke check`` prints them — where (file:line), which
field, the code, what is wrong and how to fix it — in Vietnamese, on a page of its own:
nothing is written into ``output/``, which keeps the last good build. The live-reload
script the server adds to every page reloads it after the next build: a good one brings
the page that was asked for back.
"""

from __future__ import annotations

from html import escape

from .build.plan import BuildResult
from .findings import format_summary, sort_findings

TITLE = "Dựng trang thất bại"
STYLE = """
body { margin: 0 auto; max-width: 50rem; padding: 1rem; font: 1rem/1.6 system-ui, sans-serif; color: #1f2328; }
h1 { color: #9a1c1c; font-size: 1.5rem; }
ol { padding-left: 1.2rem; }
li { margin: 0 0 1rem; padding: .5rem .75rem; border-left: 4px solid #9a1c1c; background: #fbf3f3; }
li.canh-bao { border-color: #8a6d00; background: #fbf8ee; }
.noi { font-family: ui-monospace, monospace; font-size: .95rem; overflow-wrap: anywhere; }
.ma { font-weight: 700; }
p { margin: .25rem 0; }
"""


def failure_page(result: BuildResult) -> str:
    """The HTML page of a failed build: its findings (errors first), or the error that stopped it."""
    items = []
    for f in sorted(sort_findings(result.findings), key=lambda f: not f.is_error):  # errors first
        kind, label = ("loi", "lỗi") if f.is_error else ("canh-bao", "cảnh báo")
        hint = f'<p class="goi-y">Gợi ý: {escape(f.hint)}</p>' if f.hint else ""
        items.append(
            f'<li class="{kind}"><p><span class="noi">{escape(f.where())}</span> · '
            f'trường <span class="noi">{escape(f.field or "-")}</span> · '
            f'<span class="ma">{escape(f.code)}</span> ({label})</p>'
            f'<p class="van-de">{escape(f.message)}</p>{hint}</li>')
    parts = [f"<p>{escape(format_summary(result.findings))} Sửa các lỗi dưới đây rồi lưu tệp: "
             "trang sẽ tự dựng lại và hiện lại bài bạn đang xem.</p>"] if result.findings else []
    if items:
        parts.append('<ol class="cac-loi">' + "".join(items) + "</ol>")
    if result.error:
        parts.append(f'<p>Lỗi khi dựng trang: <span class="noi">{escape(result.error)}</span></p>'
                     "<p>Lưu tệp lần nữa sau khi sửa; nếu lỗi vẫn còn, báo cho người quản trị trang.</p>")
    return ("<!doctype html>\n"
            '<html lang="vi"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="robots" content="noindex"><title>{TITLE}</title><style>{STYLE}</style></head>'
            f'<body><main><h1>{TITLE}</h1>{"".join(parts)}'
            f'<p>Thư mục <span class="noi">{escape(str(result.output))}/</span> vẫn giữ lần dựng tốt gần nhất.</p>'
            "</main></body></html>\n")
