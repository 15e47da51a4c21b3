"""The review of a flag: allowed transitions, leadership-only steps refused server-side, what each step does."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clusters.selectors import cluster_queryset
from projects.models import Flag, LandUseExtension, Project, ReviewStep
from projects.watchlist.reviews import allowed_steps, assignable_users, review_step_record
from projects.watchlist.scans import run_scan

D = date


@pytest.fixture
def flag(make_project):
    make_project(code="DA-UNUSED", land_handover_date=D(2023, 5, 3), land_area_ha=Decimal("20"))
    run_scan(as_of=D(2024, 5, 3))
    return Flag.objects.get(rule__code="LAND_UNUSED_12M")




def today() -> date:
    """The department's today, read when the test runs: a value taken at import goes stale when the suite crosses
    midnight in Vietnam (CI once collected at 23:50 and ran these tests at 00:02, a day behind the server)."""
    return timezone.localdate()


def months_ago(months: int) -> date:
    from dateutil.relativedelta import relativedelta

    return today() - relativedelta(months=months)


@pytest.fixture
def ground_flag(make_project):
    """Land handed over 40 months ago, never used; its one extension ran out four months ago: EXTENSION_EXPIRED,
    a ground for recovery (Land Law 2024 Art. 81(8))."""
    project = make_project(code="DA-EXPIRED", land_handover_date=months_ago(40), land_area_ha=Decimal("20"),
                           irc_date=months_ago(48))
    LandUseExtension.objects.create(project=project, clock="unused", start_date=months_ago(28),
                                    end_date=months_ago(4) - timedelta(days=1), decision_date=months_ago(28))
    run_scan()
    flag = Flag.objects.get(rule__code="EXTENSION_EXPIRED")
    assert flag.ground == "recovery" and flag.severity == "critical"
    return flag


@pytest.fixture
def leader(make_user):
    return make_user("lanhdao", "leadership")


@pytest.fixture
def staff(make_user):
    return make_user("chuyenvien2", "staff")


def test_staff_may_request_an_explanation_but_not_decide(flag, staff):
    assert set(allowed_steps(flag, staff)) == {"request_explanation", "record_inspection"}
    step = review_step_record(flag=flag, user=staff, action="request_explanation", letter_number="12/SCT",
                              letter_date=D(2024, 5, 10), due_date=D(2024, 5, 25))
    flag.refresh_from_db()
    assert flag.state == "explanation_requested" and step.from_state == "new"
    for action in ("propose_revocation", "dismiss", "grant_extension", "assign"):
        with pytest.raises(PermissionDenied):
            review_step_record(flag=flag, user=staff, action=action, note="x")


def test_a_viewer_may_take_no_step(flag, make_user):
    viewer = make_user("xem", "viewer")
    assert allowed_steps(flag, viewer) == []
    with pytest.raises(PermissionDenied):
        review_step_record(flag=flag, user=viewer, action="record_inspection", letter_date=D(2024, 6, 1), note="x")


def test_each_step_needs_its_fields(flag, leader):
    with pytest.raises(ValidationError) as error:
        review_step_record(flag=flag, user=leader, action="request_explanation")
    assert {"letter_number", "letter_date", "due_date"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        review_step_record(flag=flag, user=leader, action="dismiss")
    assert "note" in error.value.message_dict


def test_a_decision_needs_a_revocation_proposal_first(flag, leader):
    with pytest.raises(ValidationError):
        review_step_record(flag=flag, user=leader, action="record_decision", letter_number="1/QĐ", letter_date=D(2024, 9, 1))


def test_granting_an_extension_starts_it_at_month_13_for_at_most_24_months(flag, leader):
    review_step_record(flag=flag, user=leader, action="grant_extension", letter_number="5/QĐ-UBND",
                       letter_date=D(2024, 5, 20), months=24, due_date=D(2024, 6, 30), payment_amount_vnd=10**9)
    extension = LandUseExtension.objects.get(project=flag.project)
    assert (extension.start_date, extension.end_date) == (D(2024, 5, 3), D(2026, 5, 2))
    flag.refresh_from_db()
    assert flag.state == "extended"
    with pytest.raises(ValidationError):
        review_step_record(flag=flag, user=leader, action="grant_extension", letter_number="6", letter_date=D(2024, 5, 21),
                           months=25, due_date=D(2024, 6, 30))


def test_a_negative_payment_is_refused_in_words_not_by_the_constraints_name(flag, leader):
    with pytest.raises(ValidationError) as error:
        review_step_record(flag=flag, user=leader, action="grant_extension", letter_number="5/QĐ-UBND",
                           letter_date=D(2024, 5, 20), months=24, due_date=D(2024, 6, 30), payment_amount_vnd=-1)
    messages = [m for ms in error.value.message_dict.values() for m in ms]
    assert messages and not any("Constraint" in m or "_gte_" in m for m in messages), messages
    assert not LandUseExtension.objects.exists()


def test_an_expired_extension_opens_its_own_flag(flag, leader):
    review_step_record(flag=flag, user=leader, action="grant_extension", letter_number="5/QĐ-UBND",
                       letter_date=D(2024, 5, 20), months=12, due_date=D(2024, 6, 30))
    assert not run_scan(as_of=D(2025, 5, 2), dry_run=True).findings or all(
        rule != "EXTENSION_EXPIRED" for _p, _c, rule, _f in run_scan(as_of=D(2025, 5, 2), dry_run=True).findings
    )
    expired = [f for _p, _c, rule, f in run_scan(as_of=D(2025, 5, 3), dry_run=True).findings if rule == "EXTENSION_EXPIRED"]
    assert expired and expired[0].since == D(2025, 5, 3)


def test_revocation_is_refused_on_a_flag_that_is_not_a_ground(flag, leader):
    # Land unused 12 months opens the extension window (Land Law 2024 Art. 81(8)); it is no ground for recovery.
    assert "propose_revocation" not in allowed_steps(flag, leader)
    with pytest.raises(ValidationError, match="không phải là căn cứ"):
        review_step_record(flag=flag, user=leader, action="propose_revocation", note="Đề nghị UBND tỉnh thu hồi")


def test_revocation_then_decision_terminates_the_project_recovers_and_frees_its_land(ground_flag, leader):
    flag = ground_flag
    cluster_id = flag.project.cluster_id
    before = cluster_queryset().get(pk=cluster_id).unleased_ha
    review_step_record(flag=flag, user=leader, action="propose_revocation", note="Đề nghị UBND tỉnh thu hồi")
    review_step_record(flag=flag, user=leader, action="record_decision", letter_number="99/QĐ-UBND",
                       letter_date=today(), note="Thu hồi đất")
    project = Project.objects.get(pk=flag.project_id)
    assert project.status == "terminated" and project.land_recovered_on == today() and project.status_since == today()
    assert project.status_changes.order_by("-recorded_at").first().decision_number == "99/QĐ-UBND"
    assert cluster_queryset().get(pk=cluster_id).unleased_ha == before + Decimal("20")
    flag.refresh_from_db()
    assert flag.state == "decided" and allowed_steps(flag, leader) == []
    # Terminated with its land recovered: the next scan closes its flags and no Art. 35(2) clock runs.
    result = run_scan()
    flag.refresh_from_db()
    assert flag.cleared_at is not None and not [f for f in result.findings if f[0] == project.pk]


def test_dismissed_flag_stays_dismissed_across_scans(flag, leader):
    review_step_record(flag=flag, user=leader, action="dismiss", note="Đã khởi công, chờ cập nhật")
    run_scan(as_of=D(2024, 5, 10))
    flag.refresh_from_db()
    assert flag.state == "dismissed" and flag.is_open


def test_staff_cannot_post_a_leadership_step_through_the_page(flag, staff):
    client = Client()
    client.force_login(staff)
    response = client.post(reverse("watchlist:step", args=[flag.pk]), {"action": "propose_revocation", "note": "x"})
    assert response.status_code == 200 and "action" in response.context["form"].errors
    assert not ReviewStep.objects.exists()


def test_leader_proposes_revocation_through_the_page_and_it_is_in_the_project_history(ground_flag, leader):
    flag = ground_flag
    client = Client()
    client.force_login(leader)
    response = client.post(reverse("watchlist:step", args=[flag.pk]), {"action": "propose_revocation", "note": "Đề nghị thu hồi"})
    assert response.status_code == 302
    html = client.get(reverse("projects:history", args=[flag.project_id])).content.decode()
    assert "Đề xuất UBND tỉnh thu hồi" in html and "Đề nghị thu hồi" in html and "lanhdao" in html


def test_watchlist_page_sorts_by_severity_then_overdue_and_warns_when_stale(flag, leader, make_project):
    make_project(code="DA-LATE", construction_start_deadline=D(2024, 1, 1))
    run_scan(as_of=D(2024, 5, 3))
    client = Client()
    client.force_login(leader)
    response = client.get(reverse("watchlist:list"))
    rows = list(response.context["object_list"])
    severities = [row.severity for row in rows]
    assert severities == sorted(severities, key=lambda s: {"critical": 0, "warning": 1, "info": 2}[s])
    assert not response.context["scan_stale"]
    assert "DA-UNUSED" in response.content.decode()

    from datetime import timedelta

    from django.utils import timezone

    from projects.models import Scan

    Scan.objects.update(finished_at=timezone.now() - timedelta(hours=35, minutes=59))
    assert not client.get(reverse("watchlist:list")).context["scan_stale"]
    Scan.objects.update(finished_at=timezone.now() - timedelta(hours=36, minutes=1))
    response = client.get(reverse("watchlist:list"))
    assert response.context["scan_stale"] and "quá 36 giờ" in response.content.decode()


def test_watchlist_filters_by_rule_severity_and_age(flag, leader):
    client = Client()
    client.force_login(leader)
    url = reverse("watchlist:list")
    assert [f.pk for f in client.get(url, {"rule": flag.rule_id}).context["object_list"]] == [flag.pk]
    assert [f.pk for f in client.get(url, {"severity": "critical"}).context["object_list"]] == [flag.pk]
    assert list(client.get(url, {"severity": "info"}).context["object_list"]) == []
    assert client.get(url, {"min_days": "abc"}).status_code == 200
    assert list(client.get(url, {"min_days": "36500"}).context["object_list"]) == []
    response = client.get(url, {"min_days": "1000000"})  # past any date: refused as a filter, not a 500
    assert response.status_code == 200 and "min_days" in response.context["filter"].form.errors


def test_an_extension_is_granted_once_and_only_when_the_clock_has_run_out(make_project, leader):
    make_project(code="DA-EARLY", land_handover_date=D(2024, 5, 10))
    run_scan(as_of=D(2025, 2, 1))  # month 9: a warning
    warning = Flag.objects.get(project__code="DA-EARLY", rule__code="LAND_UNUSED_12M")
    assert warning.severity == "warning" and "grant_extension" not in allowed_steps(warning, leader)
    run_scan(as_of=D(2025, 5, 10))  # month 13
    critical = Flag.objects.get(pk=warning.pk)
    assert critical.severity == "critical" and "grant_extension" in allowed_steps(critical, leader)
    review_step_record(flag=critical, user=leader, action="grant_extension", letter_number="1", letter_date=D(2025, 5, 20),
                       months=12, due_date=D(2025, 6, 30))
    review_step_record(flag=critical, user=leader, action="record_inspection", letter_date=D(2025, 8, 1), note="Kiểm tra")
    critical.refresh_from_db()
    assert "grant_extension" not in allowed_steps(critical, leader)
    with pytest.raises(ValidationError):
        review_step_record(flag=critical, user=leader, action="grant_extension", letter_number="2",
                           letter_date=D(2025, 9, 1), months=12, due_date=D(2025, 10, 1))


def test_a_warning_that_becomes_critical_emails_leadership(make_user, make_project, django_capture_on_commit_callbacks):
    from django.core import mail

    make_user("lanhdao2", "leadership", email="ld@soct.example")
    make_project(code="DA-ESC", land_handover_date=D(2024, 5, 10))
    with django_capture_on_commit_callbacks(execute=True):
        run_scan(as_of=D(2025, 2, 1))
    assert not any("DA-ESC" in m.body and "LAND_UNUSED" in m.body for m in mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        run_scan(as_of=D(2025, 5, 10))
    assert any("DA-ESC" in m.body for m in mail.outbox)


def test_a_failed_email_gives_the_claim_back(make_user, make_project, monkeypatch):
    import projects.watchlist.notifications as notifications

    make_user("lanhdao3", "leadership", email="ld3@soct.example")
    make_project(code="DA-MAILFAIL", land_handover_date=D(2023, 5, 3))
    run_scan(as_of=D(2024, 6, 1))
    flag = Flag.objects.get(project__code="DA-MAILFAIL", rule__code="LAND_UNUSED_12M")

    def broken(*args, **kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr(notifications, "send_mail", broken)
    with pytest.raises(OSError):
        notifications.send_critical_flags([flag.pk])
    flag.refresh_from_db()
    assert flag.notified_at is None


def test_a_flag_is_assigned_only_to_someone_who_can_see_its_commune(flag, leader, make_user, commune):
    from clusters.models import Commune

    other = Commune.objects.create(name="Xã Xa", former_district=commune.former_district)
    local = make_user("canbo_local", "commune_officer", communes=[commune])
    stranger = make_user("canbo_xa", "commune_officer", communes=[other])
    assert set(assignable_users(flag)) >= {leader, local} and stranger not in assignable_users(flag)
    with pytest.raises(ValidationError) as error:
        review_step_record(flag=flag, user=leader, action="assign", assignee=stranger)
    assert "assignee" in error.value.message_dict
    review_step_record(flag=flag, user=leader, action="assign", assignee=local)
    flag.refresh_from_db()
    assert flag.assignee == local and flag.state == "assigned"
