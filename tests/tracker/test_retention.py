"""Old scan records and login records are pruned after their retention period (issue 13, "Also"): at the limit
they stay, a second past it they go; the scans the pages read, running scans and live lockouts always stay."""
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from projects.models import Scan
from projects.watchlist.retention import scans_prune
from projects.watchlist.selectors import last_successful_scan
from tracker.retention import login_attempts_prune

NOW = timezone.make_aware(timezone.datetime(2026, 6, 30, 12, 0))
DAYS = 30


@pytest.fixture(autouse=True)
def _retention(settings):
    settings.SCAN_RUN_RETENTION_DAYS = DAYS
    settings.LOGIN_ATTEMPT_RETENTION_DAYS = DAYS


def _scan(started_at, status=Scan.Status.SUCCEEDED, project=None):
    return Scan.objects.create(
        started_at=started_at, as_of=started_at.date(), project=project, status=status,
        finished_at=None if status == Scan.Status.RUNNING else started_at + timedelta(minutes=1),
    )


def _kept(*scans):
    return set(Scan.objects.filter(pk__in=[scan.pk for scan in scans]).values_list("pk", flat=True))


# ---- scans ---------------------------------------------------------------------------------------------------------


def test_scans_are_kept_up_to_the_retention_limit_and_deleted_past_it(project):
    limit = NOW - timedelta(days=DAYS)
    _scan(NOW - timedelta(hours=1))  # the last full scan, kept anyway
    day_before = _scan(limit + timedelta(days=1), project=project)
    on_the_limit = _scan(limit, project=project)
    a_second_past = _scan(limit - timedelta(seconds=1), project=project)
    a_day_past = _scan(limit - timedelta(days=1), project=project, status=Scan.Status.FAILED)

    assert scans_prune(now=NOW) == 2
    assert _kept(day_before, on_the_limit, a_second_past, a_day_past) == {day_before.pk, on_the_limit.pk}


def test_the_last_full_scans_and_running_scans_stay_whatever_their_age(project):
    old = NOW - timedelta(days=DAYS * 10)
    older_success = _scan(old - timedelta(days=7))
    last_success = _scan(old)
    last_full = _scan(old + timedelta(days=1), status=Scan.Status.FAILED)
    running = _scan(old - timedelta(days=30), status=Scan.Status.RUNNING, project=project)
    project_scan = _scan(old + timedelta(days=2), project=project)  # newer, but of one project: not "the last scan"

    assert scans_prune(now=NOW) == 2
    assert _kept(older_success, last_success, last_full, running, project_scan) == {
        last_success.pk, last_full.pk, running.pk
    }
    assert last_successful_scan().pk == last_success.pk  # the watchlist page and /healthz still find it


def test_nothing_to_prune_deletes_nothing(db):
    assert scans_prune(now=NOW) == 0
    assert login_attempts_prune(now=NOW) == {"attempts": 0, "logs": 0, "failure_logs": 0}


# ---- login records -------------------------------------------------------------------------------------------------


def _access(model, when, username="lanhdao", **fields):
    values = {"user_agent": "test", "ip_address": "203.0.113.7", "username": username, "http_accept": "*/*",
              "path_info": "/login/"}
    if model is AccessAttempt:
        values.update(get_data="", post_data="", failures_since_start=1)
    row = model.objects.create(**values, **fields)
    model.objects.filter(pk=row.pk).update(attempt_time=when)  # auto_now_add: set the time afterwards
    return row


def test_login_records_are_kept_up_to_the_retention_limit_and_deleted_past_it(db):
    limit = NOW - timedelta(days=DAYS)
    rows = {}
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        rows[model] = [
            _access(model, limit + timedelta(days=1), username="day-before"),
            _access(model, limit, username="on-the-limit"),
            _access(model, limit - timedelta(seconds=1), username="a-second-past"),
        ]

    assert login_attempts_prune(now=NOW) == {"attempts": 1, "logs": 1, "failure_logs": 1}
    for model, (day_before, on_the_limit, _past) in rows.items():
        assert set(model.objects.values_list("pk", flat=True)) == {day_before.pk, on_the_limit.pk}, model


def test_pruning_never_lifts_a_lockout_even_with_a_retention_shorter_than_the_cool_off(settings, make_user):
    settings.LOGIN_ATTEMPT_RETENTION_DAYS = 0
    make_user("lanhdao", "leadership")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "lanhdao", "password": "sai-mat-khau"})
    just_past_cool_off = _access(
        AccessAttempt, timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME, seconds=1), username="other"
    )

    assert login_attempts_prune()["attempts"] == 1
    assert not AccessAttempt.objects.filter(pk=just_past_cool_off.pk).exists()
    assert AccessAttempt.objects.filter(username="lanhdao").exists()
    response = client.post(reverse("login"), {"username": "lanhdao", "password": "S3cure-pass-2026"})
    assert response.status_code == 429


# ---- how it runs ---------------------------------------------------------------------------------------------------


def test_the_command_prunes_both_and_says_how_many(project, capsys):
    long_ago = timezone.now() - timedelta(days=DAYS + 1)
    _scan(timezone.now())
    _scan(long_ago, project=project)
    _access(AccessLog, long_ago)
    call_command("prune_records")
    out = capsys.readouterr().out
    assert "Deleted 1 scan record(s) older than 30 days" in out
    assert "1 access log(s)" in out
    assert Scan.objects.count() == 1 and AccessLog.objects.count() == 0


def test_celery_beat_prunes_every_night(project):
    from projects.watchlist.tasks import prune_scans
    from tracker.tasks import prune_login_attempts

    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"projects.watchlist.tasks.prune_scans", "tracker.tasks.prune_login_attempts"} <= schedule
    _scan(timezone.now())
    _scan(timezone.now() - timedelta(days=DAYS + 1), project=project)
    _access(AccessLog, timezone.now() - timedelta(days=DAYS + 1))
    assert prune_scans.name == "projects.watchlist.tasks.prune_scans"
    assert prune_login_attempts.name == "tracker.tasks.prune_login_attempts"
    assert prune_scans.delay().get() == 1
    assert prune_login_attempts.delay().get() == {"attempts": 0, "logs": 1, "failure_logs": 0}
