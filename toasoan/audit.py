"""``invoke audit``: five pages of the built site against the budgets of issue 5.

For the home page, an article, the seed meeting report, the tracker and the search page it
measures axe-core violations (injected into Debian's chromium with Playwright), Lighthouse 12
mobile scores (performance, accessibility, best practices, SEO) and page weight: bytes
transferred on a 360 px phone (by kind: HTML, CSS and scripts; images), render-blocking scripts,
requests to other hosts. Budgets: 0 axe violations, every Lighthouse score ≥ 0.98; the home
page ≤ 30 KB of HTML, CSS and scripts plus ≤ 60 KB of images; an article with a lead photo
≤ 60 KB in all, with no render-blocking script and no third-party request. axe-core and
Lighthouse come from npm (``toasoan.npm_tools``).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from .npm_tools import ToolMissing, npm_package

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
MOBILE = {"width": 360, "height": 740}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CATEGORY_LABELS = {"performance": "Hiệu năng", "accessibility": "Tiếp cận", "best-practices": "Thực hành tốt",
                   "seo": "SEO"}
ARTICLE = "/2020/hoc-vien-dan-toc-chinh-thuc-van-hanh-cong-thong-tin-dien-tu/"  # has a lead photo
PAGES = (  # (key, label, path)
    ("home", "Trang chủ", "/"),
    ("article", "Bài viết", ARTICLE),
    ("meeting", "Báo cáo cuộc họp", "/2018/tong-ket-cntt-2018/"),
    ("tracker", "Theo dõi nhiệm vụ", "/tracker/"),
    ("search", "Tìm kiếm", "/tim-kiem/?q=" + quote("đào tạo")),
)


@dataclass(frozen=True)
class Budget:
    axe_violations: int = 0
    lighthouse: float = 0.98
    article_bytes: int = 60 * 1024  # everything an article with a lead photo loads
    home_text_bytes: int = 30 * 1024  # the home page's HTML, CSS and scripts
    home_image_bytes: int = 60 * 1024  # … and the images it loads at 360 px


BUDGET = Budget()


@dataclass
class Weight:
    """What loading a page cost: bytes over the wire, requests, and what held it up."""

    transferred: int
    requests: int
    render_blocking: list[str] = field(default_factory=list)
    third_party: list[str] = field(default_factory=list)
    by_type: dict[str, int] = field(default_factory=dict)  # Chromium's resource type → bytes

    @property
    def text(self) -> int:
        """HTML, CSS and scripts."""
        return sum(self.by_type.get(kind, 0) for kind in TEXT_TYPES)

    @property
    def images(self) -> int:
        return self.by_type.get("image", 0)


TEXT_TYPES = ("document", "stylesheet", "script")


@dataclass
class PageAudit:
    key: str
    label: str
    path: str
    weight: Weight
    axe: list[dict]
    scores: dict[str, float] | None = None  # None: Lighthouse not run
    cpu: float | None = None  # Lighthouse's benchmarkIndex (median): low means a busy machine


RENDER_BLOCKING = """() => [...document.querySelectorAll('head script[src]')]
    .filter(s => !s.async && !s.defer && s.type !== 'module').map(s => s.src)"""


def mobile_context(browser: object) -> object:
    """A fresh phone-sized browser context: empty cache, 360 px wide."""
    return browser.new_context(viewport=MOBILE, is_mobile=True, has_touch=True, device_scale_factor=2)


def weigh(browser: object, url: str, ready: str | None = None) -> Weight:
    """Load ``url`` on a fresh phone (empty cache) and add up what came over the wire."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    finished: list[object] = []
    failed: list[object] = []
    context = mobile_context(browser)
    page = context.new_page()
    page.on("requestfinished", lambda request: finished.append(request))
    page.on("requestfailed", lambda request: failed.append(request))
    page.goto(url, wait_until="networkidle")
    if ready:
        page.wait_for_function(ready)
        page.wait_for_load_state("networkidle")
    by_type: dict[str, int] = {}
    for request in finished:
        sizes = request.sizes()
        size = max(0, sizes["responseBodySize"]) + sizes["responseHeadersSize"]
        by_type[request.resource_type] = by_type.get(request.resource_type, 0) + size
    requests = finished + failed
    third_party = sorted({r.url for r in requests
                          if not r.url.startswith(("data:", "blob:")) and not r.url.startswith(origin + "/")})
    weight = Weight(sum(by_type.values()), len(requests), page.evaluate(RENDER_BLOCKING), third_party, by_type)
    context.close()
    return weight


AXE_RUN = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
    targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""


def axe_violations(browser: object, url: str, axe_script: Path, ready: str | None = None) -> list[dict]:
    """axe-core's violations on ``url`` on a phone (all rules axe runs by default)."""
    context = mobile_context(browser)
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    if ready:
        page.wait_for_function(ready)
    page.add_script_tag(path=str(axe_script))
    violations = page.evaluate(AXE_RUN)
    context.close()
    return violations


BUSY_CPU = 1000  # below this benchmarkIndex Lighthouse's simulated timings are pessimistic


def median_scores(runs: list[dict[str, float]]) -> dict[str, float]:
    """Per key, the median of several Lighthouse runs (Lighthouse's own advice: timings vary)."""
    return {name: statistics.median(run[name] for run in runs) for name in runs[0]}


def lighthouse(url: str, package: Path, report: Path) -> dict[str, float]:
    """Lighthouse mobile scores (0–1) for ``url`` on Debian's chromium, and its ``cpu`` benchmark."""
    command = ["node", str(package / "cli" / "index.js"), url, "--quiet", "--output=json",
               f"--output-path={report}", "--only-categories=" + ",".join(CATEGORIES),
               "--chrome-flags=" + " ".join(["--headless=new", *CHROMIUM_ARGS])]
    run = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True,
                         text=True, timeout=600, check=False)
    if run.returncode != 0 or not report.is_file():
        raise RuntimeError(f"Lighthouse lỗi với {url}: {run.stderr.strip()[-2000:]}")
    result = json.loads(report.read_text(encoding="utf-8"))
    scores = {name: result["categories"][name]["score"] for name in CATEGORIES}
    return {**scores, "cpu": result.get("environment", {}).get("benchmarkIndex", 0)}


SEARCH_READY = "document.getElementById('trang-thai').textContent.startsWith('Tìm thấy')"


def audit_pages(base: str, *, with_lighthouse: bool = True, runs: int = 3,
                reports: Path | None = None) -> list[PageAudit]:
    """Audit the five pages of the site served at ``base``; Lighthouse scores are medians of ``runs``."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        raise ToolMissing(f"Cần {CHROMIUM} (gói chromium của Debian): chạy script/install-system-deps với quyền root.")
    if with_lighthouse and shutil.which("node") is None:
        raise ToolMissing("Cần Node.js (lệnh node) để chạy Lighthouse: cài gói nodejs của Debian.")
    axe_script = npm_package("axe-core") / "axe.min.js"
    lh_package = npm_package("lighthouse") if with_lighthouse else None
    audits = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for key, label, path in PAGES:
            ready = SEARCH_READY if key == "search" else None
            weight = weigh(browser, base + path, ready)
            audits.append(PageAudit(key, label, path, weight, axe_violations(browser, base + path, axe_script, ready)))
        browser.close()
    if lh_package is not None:
        with tempfile.TemporaryDirectory(prefix="lighthouse-") as scratch:
            folder = reports or Path(scratch)
            folder.mkdir(parents=True, exist_ok=True)
            for audit in audits:
                reports_of_page = [folder / f"{audit.key}-{n}.json" for n in range(1, runs + 1)]
                medians = median_scores([lighthouse(base + audit.path, lh_package, report)
                                         for report in reports_of_page])
                audit.cpu = medians.pop("cpu")
                audit.scores = medians
    return audits


def misses(audits: list[PageAudit], budget: Budget = BUDGET) -> list[str]:
    """Every budget missed, one Vietnamese line each (empty: all met)."""
    found = []
    for audit in audits:
        if len(audit.axe) > budget.axe_violations:
            found.append(f"{audit.label}: {len(audit.axe)} lỗi axe ({', '.join(v['id'] for v in audit.axe)})")
        for name, score in (audit.scores or {}).items():
            if score is None or score < budget.lighthouse:
                found.append(f"{audit.label}: Lighthouse {CATEGORY_LABELS[name]} {score} < {budget.lighthouse}")
        found += weight_misses(audit.key, audit.label, audit.weight, budget)
        if audit.key == "article":
            if audit.weight.render_blocking:
                found.append(f"{audit.label}: script chặn hiển thị {audit.weight.render_blocking}")
            if audit.weight.third_party:
                found.append(f"{audit.label}: yêu cầu tới máy chủ bên ngoài {audit.weight.third_party}")
    return found


def weight_misses(key: str, label: str, weight: Weight, budget: Budget = BUDGET) -> list[str]:
    """The page-weight budgets a home page (``key`` "home") or an article missed."""
    limits = {"home": ((weight.text, budget.home_text_bytes, "HTML, CSS, script"),
                       (weight.images, budget.home_image_bytes, "ảnh")),
              "article": ((weight.transferred, budget.article_bytes, "tổng cộng"),)}.get(key, ())
    return [f"{label}: {what} {kb(size)} > {kb(limit)}" for size, limit, what in limits if size > limit]


def kb(size: int) -> str:
    return f"{size / 1024:.1f} KB"


def format_report(audits: list[PageAudit]) -> str:
    """The figures as a Markdown table (readable in a terminal too)."""
    scored = any(a.scores for a in audits)
    head = ["Trang", "Đường dẫn", "Lỗi axe", "Tải về", "HTML, CSS, JS", "Ảnh", "Yêu cầu", "Script chặn", "Bên ngoài"]
    if scored:
        head[3:3] = [CATEGORY_LABELS[c] for c in CATEGORIES]
    rows = []
    for a in audits:
        row = [a.label, f"`{unquote(a.path)}`", str(len(a.axe)), kb(a.weight.transferred), kb(a.weight.text),
               kb(a.weight.images), str(a.weight.requests),
               str(len(a.weight.render_blocking)), str(len(a.weight.third_party))]
        if scored:
            row[3:3] = ["—" if a.scores is None else f"{a.scores[c]:.2f}" for c in CATEGORIES]
        rows.append(row)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    details = [f"- {a.label}: {v['id']} ({v['impact']}, {v['nodes']} chỗ) — {v['help']}: {', '.join(v['targets'])}"
               for a in audits for v in a.axe]
    cpus = [a.cpu for a in audits if a.cpu is not None]
    if cpus:
        details.append(f"Chỉ số CPU của Lighthouse (benchmarkIndex, trung vị): {', '.join(f'{c:.0f}' for c in cpus)}.")
        if min(cpus) < BUSY_CPU:
            details.append(f"Máy đang bận (dưới {BUSY_CPU}): điểm Hiệu năng có thể thấp hơn thực tế; "
                           "hãy chạy lại khi máy rảnh.")
    return "\n".join(lines + (["", *details] if details else []))


def audit_command(settings_file: str = "pelicanconf.py", with_lighthouse: bool = True, runs: int = 3,
                  reports: Path | None = None) -> int:
    """Build the site into a temporary folder, serve it on 127.0.0.1, audit, print; 1 if a budget is missed."""
    from .build.plan import build_site
    from .serve import make_server

    with tempfile.TemporaryDirectory(prefix="audit-") as scratch:
        output = Path(scratch) / "output"
        server = make_server(output, "127.0.0.1", 0)
        base = f"http://127.0.0.1:{server.server_address[1]}"
        # A full build (nothing to carry on from in a new folder); canonical URLs = this host.
        result = build_site(settings_file, incremental=False, OUTPUT_PATH=str(output), SITEURL=base)
        if not result.ok:
            print(f"Dựng trang thất bại: {result.error or result.findings}", file=sys.stderr)
            server.server_close()
            return 1
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            audits = audit_pages(base, with_lighthouse=with_lighthouse, runs=runs, reports=reports)
        except ToolMissing as error:
            print(error, file=sys.stderr)
            return 1
        finally:
            server.shutdown()
            server.server_close()
    print(format_report(audits))
    found = misses(audits)
    print()
    if found:
        print("Chưa đạt ngân sách:\n" + "\n".join(f"- {line}" for line in found))
        return 1
    lighthouse_note = f"Lighthouse ≥ {BUDGET.lighthouse}" if with_lighthouse else "Lighthouse không chạy"
    print(f"Đạt ngân sách: 0 lỗi axe, {lighthouse_note}, trang chủ ≤ {kb(BUDGET.home_text_bytes)} HTML, CSS, JS"
          f" và ≤ {kb(BUDGET.home_image_bytes)} ảnh, bài viết có ảnh ≤ {kb(BUDGET.article_bytes)},"
          " không script chặn hiển thị, không yêu cầu ra ngoài.")
    return 0
