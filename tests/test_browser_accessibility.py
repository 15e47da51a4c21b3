"""In a real browser, with the demo data: every page type passes axe-core (vendored, static/vendor/axe-core/) with no
serious or critical violation, at 1366 px and at 390 px, and is photographed at both widths into docs/screenshots/
(<page-type>-1366.png, <page-type>-390.png; the viewport, not the full page, to keep the files small).

axe is injected by the test only (base.html never loads it). The site's Content-Security-Policy allows scripts from
'self' only, so axe is added as a <script src> served by the live server from the static files, not inline."""
from io import StringIO

import pytest
from django.conf import settings

from tests.test_browser import SCREENSHOTS, browser_context_args, browser_type_launch_args  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_URL = settings.STATIC_URL + "vendor/axe-core/axe.min.js"
WIDTHS = ({"width": 1366, "height": 768}, {"width": 390, "height": 844})
# What the department's users need: WCAG 2.1 A and AA.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}
BLOCKING = ("serious", "critical")


def axe_violations(page) -> list[dict]:
    """The serious and critical violations axe finds on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(url=AXE_URL)
    results = page.evaluate("options => window.axe.run(document, options)", AXE_OPTIONS)
    return [violation for violation in results["violations"] if violation["impact"] in BLOCKING]


def describe(page_type: str, width: int, violations: list[dict]) -> list[str]:
    """One line per violating node: the page, the width, the rule, the element and what axe says is wrong."""
    lines = []
    for violation in violations:
        for node in violation["nodes"]:
            lines.append(
                f"{page_type} @ {width}px: {violation['id']} ({violation['impact']}) {' '.join(map(str, node['target']))}"
                f" — {node['failureSummary'].splitlines()[-1].strip()} | {node['html'][:160]}"
            )
    return lines


class Visitor:
    """Opens page after page in one logged-in browser page, checks each with axe at both widths and photographs it."""

    def __init__(self, page, base_url):
        self.page, self.base_url, self.problems = page, base_url, []

    def check(self, page_type: str, url: str | None = None, status: int | None = None, shot: bool = True) -> None:
        for viewport in WIDTHS:
            self.page.set_viewport_size(viewport)
            if url is not None:
                response = self.page.goto(self.base_url + url)
                if status is not None:
                    assert response.status == status, (page_type, url, response.status)
                else:
                    assert response.ok, (page_type, url, response.status)
                self.page.wait_for_load_state("networkidle")
            self.problems += describe(page_type, viewport["width"], axe_violations(self.page))
            if shot:
                self.page.screenshot(path=str(SCREENSHOTS / f"{page_type}-{viewport['width']}.png"), full_page=False)


def _login(page, base_url, username, password):
    page.goto(base_url + "/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name="Chỉ tiêu và cụm công nghiệp năm").wait_for()


@pytest.fixture
def demo(live_server, watchlist_rules):  # the rules: an earlier transactional test may have flushed them
    from django.core.management import call_command

    call_command("load_demo", stdout=StringIO())
    call_command("scan_watchlist", stdout=StringIO())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return live_server.url


def _import_file(tmp_path, cluster_code):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Dự án"
    sheet.append(["Mã dự án", "Tên dự án", "Mã cụm", "Nhà đầu tư", "Mã số thuế", "Vốn đăng ký (tỷ đồng)", "Trạng thái"])
    sheet.append(["DA-NHAP-1", "Nhà máy gạch không nung", cluster_code, "Công ty CP Gạch Việt", "0105551234", "45,5", "Đã đăng ký"])
    sheet.append(["DA-NHAP-2", "Xưởng chế biến gỗ", cluster_code, "Công ty TNHH Gỗ Lạc Sơn", "0105559876", "12 tỷ", "registered"])
    path = tmp_path / "du-an.xlsx"
    book.save(path)
    return path


def test_every_page_type_has_no_serious_accessibility_violation_at_1366_and_390(demo, page, tmp_path):
    from clusters.models import Cluster, Commune
    from projects.models import Flag, Investor, Project
    from projects.views import RECORD_KINDS

    base = demo
    visit = Visitor(page, base)

    # Before logging in: the login page, and the same page with a wrong password.
    visit.check("login", "/login/")
    page.get_by_label("Tên đăng nhập").fill("lanhdao")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state("networkidle")
    visit.check("login-error")

    _login(page, base, "lanhdao", "LanhDao@2026")
    cluster = Cluster.objects.order_by("code").first()
    project = Project.objects.filter(cluster__isnull=False).order_by("code").first()
    investor = Investor.objects.order_by("pk").first()
    flag = Flag.objects.filter(cleared_at__isnull=True, severity="critical").order_by("pk").first()
    commune = Commune.objects.filter(clusters__isnull=False).order_by("pk").first()
    assert None not in (cluster, project, investor, flag, commune)

    visit.check("dashboard", "/?year=2024")
    visit.check("cluster-list", "/clusters/?o=-code")
    visit.check("cluster-detail", f"/clusters/{cluster.pk}/")
    visit.check("cluster-history", f"/clusters/{cluster.pk}/history/")
    visit.check("cluster-form", f"/clusters/{cluster.pk}/edit/")
    visit.check("cluster-map", "/clusters/map/", shot=False)  # photographed by tests/test_browser_map.py
    visit.check("project-list", "/projects/?o=code")
    visit.check("project-detail", f"/projects/{project.pk}/")
    visit.check("project-history", f"/projects/{project.pk}/history/")
    visit.check("project-form", "/projects/new/")
    # The form sent empty: every required field in error, beside its help text.
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_load_state("networkidle")
    visit.check("project-form-errors")
    for kind in RECORD_KINDS:
        visit.check(f"record-{kind}", f"/projects/{project.pk}/{kind}/new/")
    visit.check("document-upload", f"/projects/{project.pk}/documents/new/")
    visit.check("investor-list", "/investors/")
    visit.check("investor-detail", f"/investors/{investor.pk}/")
    visit.check("investor-form", f"/investors/{investor.pk}/edit/")
    visit.check("watchlist-list", "/watchlist/")
    visit.check("coming-due", "/watchlist/coming-due/", shot=False)  # photographed by tests/test_browser_coming_due.py
    visit.check("search", "/search/?q=luong+son", shot=False)  # photographed by tests/test_browser_search.py
    visit.check("password-change", "/account/password/", shot=False)  # photographed by tests/test_browser_passwords.py
    visit.check("publication", "/publication/")
    visit.check("flag", f"/watchlist/{flag.pk}/")
    visit.check("review-step", f"/watchlist/{flag.pk}/step/")
    visit.check("target-list", "/targets/")
    visit.check("target-form", "/targets/new/")
    visit.check("reports", "/reports/")
    visit.check("report-form-04", "/reports/form-04/")
    visit.check("report-form-03", f"/reports/form-03/{commune.pk}/")
    # The industry pages (issue 16), reached from the menu's "Công nghiệp".
    from industry.models import Obstacle, Scheme

    obstacle = Obstacle.objects.filter(actions__isnull=False, force_majeure_period__isnull=True).order_by("pk").first()
    scheme = Scheme.objects.order_by("pk").first()
    assert None not in (obstacle, scheme)
    for viewport in WIDTHS:  # the menu open on the dashboard (on a phone, the folded menu first)
        page.set_viewport_size(viewport)
        page.goto(base + "/?year=2024")
        if viewport["width"] < 1200:
            page.get_by_role("button", name="Trình đơn").click()
            page.locator("#mainnav.show").wait_for()
        page.locator("#industry-menu").get_by_role("button", name="Công nghiệp").click()
        page.locator("#industry-menu .dropdown-menu.show").get_by_role("link", name="Khó khăn, vướng mắc").wait_for()
        visit.problems += describe("industry-menu", viewport["width"], axe_violations(page))
        page.screenshot(path=str(SCREENSHOTS / f"industry-menu-{viewport['width']}.png"), full_page=False)
    visit.check("production-year", "/industry/production/2024/", shot=False)  # tests/industry/test_production_browser.py
    visit.check("obstacle-list", "/industry/obstacles/")
    visit.check("obstacle-detail", f"/industry/obstacles/{obstacle.pk}/")
    visit.check("obstacle-edit-form", f"/industry/obstacles/{obstacle.pk}/edit/", shot=False)
    visit.check("scheme-list", "/industry/schemes/", shot=False)
    visit.check("scheme-year", f"/industry/schemes/year/{scheme.year}/")
    visit.check("scheme-detail", f"/industry/schemes/{scheme.pk}/", shot=False)
    visit.check("infrastructure-list", "/industry/infrastructure/", shot=False)  # test_infrastructure_browser.py
    visit.check("infrastructure-cluster", f"/industry/infrastructure/cluster/{cluster.pk}/", shot=False)
    # The industry pages whose cluster, project and investor fields are typed as a code (issue 17).
    visit.check("obstacle-form", f"/industry/obstacles/new/?project={project.pk}")
    visit.check("obstacle-list-by-cluster", f"/industry/obstacles/?cluster={cluster.code}", shot=False)
    visit.check("infrastructure-list-by-cluster", f"/industry/infrastructure/?cluster={cluster.code}", shot=False)
    visit.check("scheme-form", "/industry/schemes/new/", shot=False)
    visit.check("import-start", "/imports/")
    page.set_viewport_size(WIDTHS[0])
    page.goto(base + "/imports/")
    page.locator("#id_file").set_input_files(str(_import_file(tmp_path, cluster.code)))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    page.locator("#import-errors").wait_for()
    visit.check("import-detail", page.url.removeprefix(base))
    visit.check("error-404", "/projects/999999/", status=404)

    # The public lists, without a login (photographed by tests/test_browser_publication.py), and the reset form.
    page.context.clear_cookies()
    visit.check("public-index", "/cong-khai/", shot=False)
    visit.check("public-list", "/cong-khai/dat-cong-nghiep-chua-cho-thue/", shot=False)
    visit.check("password-reset", "/account/password/reset/", shot=False)

    # A viewer may not add a project: the 403 page.
    page.context.clear_cookies()
    _login(page, base, "xem", "NguoiXem@2026")
    visit.check("error-403", "/projects/new/", status=403)

    assert not visit.problems, "\n".join(visit.problems)

    # The check itself sees a violation when there is one: light grey text on white (2.3:1).
    page.evaluate("""() => {
        const text = document.createElement("p");
        text.id = "faint";
        text.textContent = "Chữ mờ";
        text.style.color = "#aaaaaa";
        text.style.backgroundColor = "#ffffff";
        document.querySelector("main").append(text);
    }""")
    assert [(v["id"], n["target"]) for v in axe_violations(page) for n in v["nodes"]] == [("color-contrast", ["#faint"])]
