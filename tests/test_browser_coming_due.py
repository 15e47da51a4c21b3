"""In a real browser, with the demo data: a leader opens the coming-due list (1366 px and a 390 px phone; screenshots
in docs/screenshots/), downloads the warning letter of one project (a PDF whose Vietnamese text is read back), records
it as sent, and the row then says "Đã cảnh báo ngày …"."""
import io
import os
from datetime import timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from tests.test_browser import browser_context_args, browser_type_launch_args  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"


@pytest.fixture
def leader_page(live_server, page, watchlist_rules):
    """The demo, with the rules a transactional test before this one may have flushed; a leader logged in."""
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    call_command("load_demo", stdout=StringIO())
    page.goto(live_server.url + "/login/")
    page.get_by_label("Tên đăng nhập").fill("lanhdao")
    page.get_by_label("Mật khẩu").fill("LanhDao@2026")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name="Chỉ tiêu và cụm công nghiệp năm").wait_for()
    return page


@pytest.fixture
def due_project(leader_page):
    """A project of the demo's first cluster whose construction must start within 19 days: it comes due in 20, once
    scanned."""
    from clusters.models import Cluster
    from projects.models import Investor, Project

    from projects.watchlist.scans import scan_pending

    project = Project.objects.create(
        code="DA-SAP-01", name="[MẪU] Nhà máy bao bì Sắp hạn", cluster=Cluster.objects.order_by("pk").first(),
        investor=Investor.objects.order_by("pk").first(), registered_capital_vnd=50 * 10**9, land_area_ha=Decimal("0.5"),
        irc_date=timezone.localdate() - timedelta(days=300),
        construction_start_deadline=timezone.localdate() + timedelta(days=19),
    )
    scan_pending()  # its rescan, owed since it was written: the list reads the dates the scan stores
    return project


def test_the_leader_warns_an_investor_from_the_coming_due_list(leader_page, due_project, live_server):
    from pypdf import PdfReader

    page = leader_page
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(live_server.url + "/watchlist/")
    page.locator("#coming-due-link").click()
    page.get_by_role("heading", name="Sắp đến hạn").wait_for()
    row = page.locator("#coming-due-table tbody tr", has_text="DA-SAP-01")
    assert row.count() == 1  # its construction start; nothing else of it comes due
    crossing = (timezone.localdate() + timedelta(days=20)).strftime("%d/%m/%Y")
    assert crossing in row.inner_text() and "còn 20 ngày" in row.inner_text()
    assert "Khởi công" in row.inner_text() or "khởi công" in row.inner_text()

    # The letter of this one project: a PDF in Vietnamese.
    with page.expect_download() as download_info:
        row.get_by_role("link", name="Thư cảnh báo (PDF)").click()
    content = Path(download_info.value.path()).read_bytes()
    text = " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Kính gửi", "DA-SAP-01",
                     "Căn cứ pháp lý", crossing):
        assert expected in text, expected

    # Recorded as sent: the row says so.
    row.get_by_role("button", name="Ghi nhận đã gửi").click()
    page.get_by_text("Đã ghi nhận gửi 1 thư cảnh báo.").wait_for()
    warned = page.locator("#coming-due-table tbody tr", has_text="DA-SAP-01").locator(".warned")
    assert warned.first.inner_text() == f"Đã cảnh báo ngày {timezone.localdate():%d/%m/%Y}"
    page.screenshot(path=str(SCREENSHOTS / "coming-due-1366.png"), full_page=False)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.get_by_role("heading", name="Sắp đến hạn").wait_for()
    # The page itself does not scroll sideways on a phone: the table scrolls inside its own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SCREENSHOTS / "coming-due-390.png"), full_page=False)
