"""In a real browser, with the demo data: a leader approves a public list on the "Công khai" page and an anonymous
visitor (another browser context, no cookie) sees it at /cong-khai/, with its date and version, on a 1366 px screen
and a 390 px phone (screenshots in docs/screenshots/)."""
import os
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings

from tests.test_browser import browser_context_args, browser_type_launch_args  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"


@pytest.fixture
def leader_page(live_server, page, watchlist_rules):
    from django.core.cache import cache
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    cache.clear()  # the public pages' rate limit counts in the cache
    call_command("load_demo", stdout=StringIO())
    call_command("scan_watchlist", stdout=StringIO())
    page.goto(live_server.url + "/login/")
    page.get_by_label("Tên đăng nhập").fill("lanhdao")
    page.get_by_label("Mật khẩu").fill("LanhDao@2026")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name="Chỉ tiêu và cụm công nghiệp năm").wait_for()
    return page


def test_a_leader_approves_a_list_and_an_anonymous_visitor_sees_it(leader_page, live_server, browser):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from projects.models import Flag, Publication, ReviewStep

    page = leader_page
    # The inspection of DA-MAU-03's unused land was recorded: its flag is verified, so it may be published.
    flag = Flag.objects.get(project__code="DA-MAU-03", rule__code="LAND_UNUSED_12M", cleared_at__isnull=True)
    leader = get_user_model().objects.get(username="lanhdao")
    ReviewStep.objects.create(flag=flag, action="record_inspection", from_state=flag.state, to_state="inspected",
                              user=leader, note="Kiểm tra thực địa")
    flag.state = "inspected"
    flag.save()
    project = flag.project
    kind = Publication.Kind.LAND_UNUSED

    # The visitor first: nothing is published yet.
    visitor = browser.new_context(locale="vi-VN")
    public = visitor.new_page()
    public.goto(live_server.url + f"/cong-khai/{kind}/")
    assert public.locator("#not-published").is_visible()

    # The leader finds the page from the reports, sees the list as it will appear and approves it.
    page.goto(live_server.url + "/reports/")
    page.locator("#public-lists-card").get_by_role("link", name="Phê duyệt công khai").click()
    section = page.locator(f"section#{kind}")
    section.get_by_role("heading", name="Danh sách dự án không sử dụng đất 12 tháng liên tục").wait_for()
    assert project.name in section.locator(f"#{kind}-preview").inner_text()
    clerk = get_user_model().objects.filter(groups__name="staff", is_active=True).order_by("pk").first()
    section.get_by_label("Người lập danh sách").select_option(str(clerk.pk))
    section.get_by_role("button", name="Phê duyệt công khai").click()
    page.locator(".alert-success").wait_for()
    assert "phiên bản 1" in page.locator(".alert-success").inner_text()
    publication = Publication.objects.get(kind=kind)
    assert (publication.approved_by, publication.prepared_by) == (leader, clerk)
    history = page.locator(f"section#{kind} details")
    history.locator("summary").click()
    assert "người lập:" in history.inner_text()

    # The visitor, in a browser without the leader's cookie, sees the approved list.
    today = timezone.localdate()
    public.set_viewport_size({"width": 1366, "height": 768})
    public.goto(live_server.url + "/cong-khai/")
    public.get_by_role("link", name="Danh sách dự án không sử dụng đất 12 tháng liên tục").click()
    public.locator("#public-list").wait_for()
    assert public.locator("#published-on").inner_text().startswith(f"Công bố ngày {today:%d/%m/%Y}, phiên bản 1")
    assert project.name in public.locator("#public-list").inner_text()
    assert public.locator("nav, #mainnav").count() == 0  # no staff menu
    public.screenshot(path=str(SCREENSHOTS / "public-list-1366.png"), full_page=False)
    public.set_viewport_size({"width": 390, "height": 844})
    public.reload()
    assert public.evaluate("document.documentElement.scrollWidth") <= 390  # the table scrolls in its card
    public.screenshot(path=str(SCREENSHOTS / "public-list-390.png"), full_page=False)

    # The English switch works there too.
    public.locator("#language-select").select_option("en")
    change = public.locator("form[action='/language/'] button[type=submit]")
    if change.count() and change.is_visible():  # a switch with its own button (no submit on change)
        change.click()
    public.get_by_role("heading", name="Projects whose land has been unused for 12 months").wait_for()
    visitor.close()
