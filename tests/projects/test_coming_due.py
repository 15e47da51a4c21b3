"""The coming-due list: what will cross a legal threshold in the next N days, derived from the rules' next dates."""
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from clusters.models import Cluster, Commune
from projects.models import Flag, Project, Rule, UnreachableRecord, ViolationNotice, WarningLetter
from projects.watchlist.coming_due import coming_due, what_stops_it
from projects.watchlist.scans import run_scan

DAY = timedelta(days=1)


def _today():
    return timezone.localdate()


def _due(today=None, days=90, rule="MILESTONE_OVERDUE"):
    today = today or _today()
    return [row for row in coming_due(projects=Project.objects.all(), today=today, days=days) if row.rule_code == rule]


@pytest.fixture
def start_due_in(make_project):
    """A project whose construction-start deadline is the day before `days` from today: MILESTONE_OVERDUE holds
    from today + days."""

    def make(days, **fields):
        return make_project(construction_start_deadline=_today() + timedelta(days=days) - DAY, **fields)

    return make


@pytest.mark.parametrize("days", [30, 60, 90])
def test_a_project_crossing_in_exactly_n_days_is_listed_and_one_day_later_is_not(start_due_in, days):
    inside, outside = start_due_in(days), start_due_in(days + 1)
    rows = _due(days=days)
    assert [(row.project_id, row.crossing, row.days_left) for row in rows] == [(inside.pk, _today() + timedelta(days=days), days)]
    assert outside.pk not in {row.project_id for row in rows}
    assert rows[0].finding.severity == "warning"


def test_crossed_today_is_a_flag_not_coming_due(start_due_in):
    today_project = start_due_in(0)  # the deadline was yesterday: the rule holds today
    tomorrow = start_due_in(1)
    assert [row.project_id for row in _due()] == [tomorrow.pk]
    run_scan()
    assert Flag.objects.filter(project=today_project, rule__code="MILESTONE_OVERDUE", cleared_at__isnull=True).exists()
    assert [row.project_id for row in _due()] == [tomorrow.pk]


def test_a_project_already_flagged_for_the_rule_is_not_listed(start_due_in):
    project = start_due_in(10)
    now = timezone.now()
    Flag.objects.create(project=project, rule=Rule.objects.get(code="MILESTONE_OVERDUE"), severity="warning",
                        since=_today() - DAY, first_seen=now, last_confirmed=now)
    assert _due() == []


def test_the_next_date_is_only_listed_when_the_rule_then_gives_a_finding(make_project):
    """Suspended 12 months: the threshold passes, but without an unreachable investor it is no ground and no
    finding; with one, it is coming due."""
    today = _today()
    stopped = date(today.year - 1, today.month, min(today.day, 28)) + timedelta(days=20)
    project = make_project(status="suspended", status_on=stopped)
    assert _due(rule="SUSPENDED_12M") == []
    UnreachableRecord.objects.create(project=project, since=today - timedelta(days=40))
    [row] = _due(rule="SUSPENDED_12M")
    assert row.finding.ground and today < row.crossing <= today + timedelta(days=21)
    assert row.crossing.isoformat() == row.finding.evidence["threshold_date"]


def test_candidates_follow_the_stored_next_check_date(start_due_in):
    """A scan stores each project's next date; the list is the same after it, and a project whose stored date lies
    beyond the window is not looked at."""
    project = start_due_in(20)
    before = _due()
    run_scan()
    project.refresh_from_db()
    assert project.next_check_on == _today() + timedelta(days=20)
    assert _due() == before and len(before) == 1
    assert _due(days=30) and not [r for r in coming_due(projects=Project.objects.all(), today=_today(), days=19)]


def test_what_stops_it_is_said_in_vietnamese_with_the_last_day(start_due_in):
    start_due_in(5)
    [row] = _due()
    with translation.override("vi"):
        text = what_stops_it(row)
    assert "khởi công" in text and "điều chỉnh tiến độ" in text
    assert (_today() + timedelta(days=4)).strftime("%d/%m/%Y") in text


def test_a_notice_without_a_request_comes_due_the_day_after_the_15_days(make_project):
    today = _today()
    project = make_project(land_handover_date=today - timedelta(days=60))
    ViolationNotice.objects.create(project=project, number="TB-1", notice_date=today - timedelta(days=5))
    [row] = _due(rule="EXTENSION_NOT_REQUESTED")
    assert row.crossing == today + timedelta(days=11) and row.finding.ground
    assert (today + timedelta(days=10)).strftime("%d/%m/%Y") in what_stops_it(row)


# ---- The page ---------------------------------------------------------------------------------------------------


@pytest.fixture
def two_communes(make_project, cluster, district):
    other_commune = Commune.objects.create(name="Xã Khác", former_district=district)
    other = Cluster.objects.create(code="CCN-KHAC", name="Cụm khác", commune=other_commune, former_district=district,
                                   stage="planned", total_area_ha=50, industrial_land_ha=40)
    deadline = _today() + timedelta(days=9)
    mine = make_project(code="DA-MINE", construction_start_deadline=deadline)
    theirs = make_project(code="DA-THEIRS", cluster=other, construction_start_deadline=deadline)
    run_scan()  # the page reads the dates the scan stores
    return cluster.commune, mine, theirs


def test_the_page_lists_the_rows_with_rule_date_days_and_action(client, make_user, two_communes):
    client.force_login(make_user("lanhdao", "leadership"))
    response = client.get(reverse("watchlist:coming_due"), {"days": 30}, HTTP_ACCEPT_LANGUAGE="vi")
    html = response.content.decode()
    assert response.status_code == 200
    assert "DA-MINE" in html and "DA-THEIRS" in html
    assert (_today() + timedelta(days=10)).strftime("%d/%m/%Y") in html
    assert [row.days_left for row in response.context["object_list"]] == [10, 10]


def test_a_commune_officer_sees_only_their_communes(client, make_user, two_communes):
    commune, _mine, _theirs = two_communes
    client.force_login(make_user("canboxa", "commune_officer", communes=[commune]))
    html = client.get(reverse("watchlist:coming_due")).content.decode()
    assert "DA-MINE" in html and "DA-THEIRS" not in html
    export = b"".join(client.get(reverse("watchlist:coming_due_export"), {"format": "csv"}).streaming_content).decode()
    assert "DA-MINE" in export and "DA-THEIRS" not in export


def test_a_viewer_may_not_open_it(client, make_user):
    client.force_login(make_user("xem", "viewer"))
    assert client.get(reverse("watchlist:coming_due")).status_code == 403
    assert client.get(reverse("watchlist:coming_due_export")).status_code == 403


def test_filters_rule_and_commune(client, make_user, two_communes, make_project):
    commune, _mine, _theirs = two_communes
    today = _today()
    notice = make_project(code="DA-NOTICE", land_handover_date=today - timedelta(days=60))
    ViolationNotice.objects.create(project=notice, number="TB-1", notice_date=today - timedelta(days=5))
    run_scan()
    client.force_login(make_user("chuyenvien", "staff"))
    url = reverse("watchlist:coming_due")
    rows = client.get(url, {"rule": "EXTENSION_NOT_REQUESTED"}).context["object_list"]
    assert [(row.project_code, row.rule_code) for row in rows] == [("DA-NOTICE", "EXTENSION_NOT_REQUESTED")]
    rows = client.get(url, {"commune": commune.pk, "rule": "MILESTONE_OVERDUE"}).context["object_list"]
    assert [row.project_code for row in rows] == ["DA-MINE"]
    # A bad value is ignored with the filter form's message, never a 500.
    response = client.get(url, {"days": "45", "rule": "NOPE"})
    assert response.status_code == 200 and response.context["days"] == 90


def test_sort_by_project_descending(client, make_user, two_communes):
    client.force_login(make_user("chuyenvien", "staff"))
    rows = client.get(reverse("watchlist:coming_due"), {"o": "-project", "rule": "MILESTONE_OVERDUE"}).context["object_list"]
    assert [row.project_code for row in rows] == ["DA-THEIRS", "DA-MINE"]


# Pinned: session (read, and its write in a savepoint: 3 more), user, permissions (2), the counts by rule, the page's rows with their projects and rules, notices,
# unreachable records (2), warning letters, the commune choices; a commune officer's communes (2 more: the scope of
# the rows and of the commune choices). No query runs the rules: the page reads what the scan stored.
PAGE_QUERIES = {"staff": 14, "commune_officer": 16}


@pytest.mark.parametrize("role", ["staff", "commune_officer"])
def test_the_page_costs_the_same_queries_for_1_and_20_rows(client, make_user, start_due_in, django_assert_num_queries,
                                                           cluster, role):
    client.force_login(make_user("nguoidung", role, communes=[cluster.commune] if role == "commune_officer" else ()))
    start_due_in(5)
    run_scan()
    with django_assert_num_queries(PAGE_QUERIES[role]):
        response = client.get(reverse("watchlist:coming_due"), {"per_page": 100})
    assert len(response.context["object_list"]) == 1
    for days in range(6, 25):
        project = start_due_in(days)
        ViolationNotice.objects.create(project=project, number=f"TB-{days}", notice_date=_today() - timedelta(days=400))
    run_scan()
    with django_assert_num_queries(PAGE_QUERIES[role]):
        response = client.get(reverse("watchlist:coming_due"), {"per_page": 100})
    assert len(response.context["object_list"]) == 20


# ---- Warning letters ------------------------------------------------------------------------------------------


def _pdf_text(content: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.django_db
def test_a_warning_letter_is_a_vietnamese_administrative_letter(client, make_user, make_project, settings):
    settings.DEPARTMENT_NAME = "Sở Công Thương"
    today = _today()
    project = make_project(code="DA-THU", name="Nhà máy may Thử", land_handover_date=today - timedelta(days=60))
    ViolationNotice.objects.create(project=project, number="TB-9", notice_date=today - timedelta(days=5))
    run_scan()
    client.force_login(make_user("lanhdao", "leadership"))
    response = client.get(reverse("reports:warning_letters_pdf"), {"item": f"{project.pk}:EXTENSION_NOT_REQUESTED"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(_pdf_text(response.content).split())
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "SỞ CÔNG THƯƠNG", "Số:",
                     "/SCT-", "DA-THU", "Nhà máy may Thử", "Công ty TNHH Thử nghiệm", "Nghị định 102/2024",
                     (today + timedelta(days=11)).strftime("%d/%m/%Y"), (today + timedelta(days=10)).strftime("%d/%m/%Y"),
                     "thu hồi đất"):
        assert expected in text, expected
    assert not WarningLetter.objects.exists()  # downloading records nothing


def test_letters_for_a_selection_one_a_page_and_a_bad_choice_is_a_message(client, make_user, two_communes):
    commune, mine, theirs = two_communes
    client.force_login(make_user("canboxa", "commune_officer", communes=[commune]))
    items = [f"{mine.pk}:MILESTONE_OVERDUE", f"{theirs.pk}:MILESTONE_OVERDUE"]  # the second is another commune's
    response = client.post(reverse("reports:warning_letters_pdf"), {"item": items})
    text = _pdf_text(response.content)
    assert "DA-MINE" in text and "DA-THEIRS" not in text
    response = client.post(reverse("reports:warning_letters_pdf"), {"item": [f"{theirs.pk}:MILESTONE_OVERDUE", "x:y"]}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("watchlist:coming_due")
    assert "Hãy chọn ít nhất một dự án" in response.content.decode()


def test_recording_a_letter_as_sent_shows_warned_on_the_list_the_project_and_its_history(client, make_user, start_due_in):
    project = start_due_in(12)
    run_scan()
    user = make_user("chuyenvien", "staff")
    client.force_login(user)
    url = reverse("watchlist:coming_due")
    assert client.get(url).context["object_list"][0].warned_on is None
    assert client.get(reverse("watchlist:letters_sent")).status_code == 302  # a GET records nothing
    assert not WarningLetter.objects.exists()
    response = client.post(reverse("watchlist:letters_sent"), {"item": f"{project.pk}:MILESTONE_OVERDUE", "next": url + "?days=30"})
    assert response.status_code == 302 and response.url == url + "?days=30"
    letter = WarningLetter.objects.get()
    assert (letter.project, letter.rule.code, letter.crossing_on, letter.sent_on, letter.sent_by) == (
        project, "MILESTONE_OVERDUE", _today() + timedelta(days=12), _today(), user)
    client.post(reverse("watchlist:letters_sent"), {"item": f"{project.pk}:MILESTONE_OVERDUE"})
    assert WarningLetter.objects.count() == 1  # the same letter recorded twice on one day: once
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert f"Đã cảnh báo ngày {_today():%d/%m/%Y}" in html
    assert f"Đã cảnh báo ngày {_today():%d/%m/%Y}" in client.get(project.get_absolute_url()).content.decode()
    history = client.get(reverse("projects:history", args=[project.pk])).content.decode()
    assert "Thư cảnh báo" in history and "chuyenvien" in history
    assert letter.history.count() == 1


def test_a_viewer_may_neither_print_nor_record_letters(client, make_user, start_due_in):
    project = start_due_in(12)
    run_scan()
    client.force_login(make_user("xem", "viewer"))
    item = {"item": f"{project.pk}:MILESTONE_OVERDUE"}
    assert client.get(reverse("reports:warning_letters_pdf"), item).status_code == 403
    assert client.post(reverse("watchlist:letters_sent"), item).status_code == 403
    assert not WarningLetter.objects.exists()


def test_the_window_select_shows_the_window_in_use_and_a_bad_filter_keeps_the_others(client, make_user, two_communes):
    client.force_login(make_user("chuyenvien", "staff"))
    url = reverse("watchlist:coming_due")
    html = client.get(url).content.decode()
    assert '<option value="90" selected>' in html
    # The rule's and the commune's empty choice reads "all", as on the other lists' filters.
    assert "---------" not in html and html.count('<option value="" selected>Tất cả</option>') == 2
    response = client.get(url, {"days": "30", "commune": "999999"})
    assert response.context["days"] == 30 and response.context["filter"].form.errors
    assert '<option value="30" selected>' in response.content.decode()


# ---- The weekly digest ----------------------------------------------------------------------------------------


def test_the_weekly_digest_tells_each_recipient_their_communes_once_a_week(make_user, two_communes, mailoutbox):
    from projects.watchlist.notifications import send_coming_due_digest

    commune, _mine, _theirs = two_communes
    make_user("lanhdao", "leadership", email="lanhdao@example.vn")
    make_user("canboxa", "commune_officer", communes=[commune], email="canboxa@example.vn")
    make_user("chuyenvien", "staff", email="cv@example.vn")  # staff are not among the recipients
    make_user("xa2", "commune_officer", communes=[Commune.objects.get(name="Xã Khác")])  # no address: no mail
    assert send_coming_due_digest() == 2
    by_user = {message.to[0]: message for message in mailoutbox}
    assert set(by_user) == {"lanhdao@example.vn", "canboxa@example.vn"}
    assert "DA-MINE" in by_user["lanhdao@example.vn"].body and "DA-THEIRS" in by_user["lanhdao@example.vn"].body
    assert "DA-MINE" in by_user["canboxa@example.vn"].body and "DA-THEIRS" not in by_user["canboxa@example.vn"].body
    assert "[Sắp đến hạn] 1 trường hợp" in by_user["canboxa@example.vn"].subject
    assert send_coming_due_digest() == 0 and len(mailoutbox) == 2  # once a week
    assert send_coming_due_digest(_today() + timedelta(days=7)) == 2  # next week again (still within 30 days)


def test_a_user_opts_out_of_the_digest_and_back_in(client, make_user, two_communes, mailoutbox):
    from projects.watchlist.notifications import send_coming_due_digest

    leader = make_user("lanhdao", "leadership", email="lanhdao@example.vn")
    client.force_login(leader)
    url = reverse("watchlist:coming_due")
    assert 'value="off"' in client.get(url).content.decode()
    client.post(reverse("watchlist:coming_due_digest"), {"digest": "off"})
    assert 'value="on"' in client.get(url).content.decode()
    assert send_coming_due_digest() == 0 and mailoutbox == []
    client.post(reverse("watchlist:coming_due_digest"), {"digest": "on"})
    assert send_coming_due_digest(_today() + timedelta(days=7)) == 1


def test_a_failed_send_gives_the_week_back(make_user, two_communes, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    from projects.models import DigestSent
    from projects.watchlist.notifications import send_coming_due_digest

    make_user("lanhdao", "leadership", email="lanhdao@example.vn")

    def broken(self, messages):
        raise OSError("SMTP down")

    monkeypatch.setattr(EmailBackend, "send_messages", broken)
    with pytest.raises(OSError):
        send_coming_due_digest()
    assert not DigestSent.objects.exists()


def test_the_letter_as_word_for_staff_to_edit(client, make_user, start_due_in):
    import io

    from docx import Document

    project = start_due_in(12)
    run_scan()
    client.force_login(make_user("chuyenvien", "staff"))
    response = client.get(reverse("reports:warning_letters_docx"), {"item": f"{project.pk}:MILESTONE_OVERDUE"})
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.docx"')
    document = Document(io.BytesIO(response.content))
    text = "\n".join([p.text for p in document.paragraphs] + [
        cell.text for table in document.tables for row in table.rows for cell in row.cells])
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số:", "Kính gửi",
                     project.code, "Căn cứ pháp lý", (_today() + timedelta(days=12)).strftime("%d/%m/%Y")):
        assert expected in text, expected
    assert not WarningLetter.objects.exists()
