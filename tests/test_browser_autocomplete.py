"""In a real browser, with the demo data: the cluster and investor fields are searched on the server as one types
(Tom Select over the JSON endpoints), a pick fills the code the form sends, the filter and the saved project use
it. At 1366 px and 390 px: docs/screenshots/autocomplete-1366.png (the projects list's cluster filter open) and
autocomplete-390.png (the project form's investor field open)."""
import os
from io import StringIO

import pytest

from tests.test_browser import SCREENSHOTS, browser_context_args, browser_type_launch_args  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def staff_page(live_server, page):
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    call_command("load_demo", stdout=StringIO())
    page.goto(live_server.url + "/login/")
    page.get_by_label("Tên đăng nhập").fill("chuyenvien")
    page.get_by_label("Mật khẩu").fill("ChuyenVien@2026")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name="Chỉ tiêu và cụm công nghiệp năm").wait_for()
    return page


def _words(name: str) -> str:
    """Part of a name, typed without its accents, as a user in a hurry would."""
    from tracker.search import normalise

    return " ".join(normalise(name).split()[-2:])


def test_pick_a_cluster_by_part_of_its_name_then_filter_and_save(staff_page, live_server):
    from clusters.models import Cluster
    from projects.models import Investor, Project

    page = staff_page
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    cluster = Cluster.objects.exclude(stage=Cluster.Stage.DISSOLVED).filter(projects__isnull=False).order_by("code").first()
    investor = Investor.objects.order_by("pk").first()

    # The projects list's filter: no option per cluster in the page; typing part of the name offers the cluster.
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/projects/")
    assert page.locator("select[name=cluster], option[value]").filter(has_text=cluster.name).count() == 0
    box = page.get_by_role("combobox", name="Cụm công nghiệp")
    box.click()
    box.press_sequentially(_words(cluster.name), delay=30)
    option = page.locator(".ts-dropdown .option", has_text=f"{cluster.code} – {cluster.name}")
    option.wait_for()
    page.screenshot(path=str(SCREENSHOTS / "autocomplete-1366.png"), full_page=False)
    option.click()
    # One line, as high as the fields beside it (a taller box would move the button under the pointer).
    heights = page.evaluate("() => [document.querySelector('.ts-control').offsetHeight, document.getElementById('id_status').offsetHeight]")
    assert abs(heights[0] - heights[1]) <= 2, heights
    with page.expect_navigation():
        page.get_by_role("button", name="Lọc", exact=True).click()
    assert f"cluster={cluster.code}" in page.url
    shown = page.locator("table tbody tr").count()
    assert shown == min(25, Project.objects.filter(cluster=cluster).count()) and shown > 0
    # The chosen cluster stays shown by its name after the page reloads.
    assert cluster.name in page.locator(".ts-control").first.inner_text()

    # The project form: the cluster and the investor picked by part of their names, the project saved with them.
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/projects/new/")
    page.get_by_label("Mã dự án").fill("DA-TU-DONG")
    page.get_by_label("Tên dự án").fill("Nhà máy chọn qua ô tìm")
    for label, words, text in (("Cụm công nghiệp", _words(cluster.name), f"{cluster.code} – {cluster.name}"),
                               ("Nhà đầu tư", _words(investor.name), f"{investor.tax_code} – {investor.name}")):
        box = page.get_by_role("combobox", name=label, exact=True)
        box.click()
        box.press_sequentially(words, delay=30)
        option = page.locator(".ts-dropdown .option", has_text=text)
        option.wait_for()
        if label == "Nhà đầu tư":
            assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
            page.screenshot(path=str(SCREENSHOTS / "autocomplete-390.png"), full_page=False)
        option.click()
    page.get_by_label("Ngành nghề").select_option("food")
    page.get_by_label("Vốn đăng ký (tỷ đồng)").fill("12,5")
    page.get_by_label("Diện tích đất thuê (ha)").fill("0,5")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu").click()
    saved = Project.objects.get(code="DA-TU-DONG")
    assert saved.cluster == cluster and saved.investor == investor
    assert errors == []
