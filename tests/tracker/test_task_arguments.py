"""A task queued with a malformed argument (a shell, an edited beat schedule, an old message) is refused with a
line in the log and returns; it never raises inside the worker, and the scan's refusal is recorded as a failed run."""
import logging
from datetime import date

import pytest

from projects.imports.tasks import import_apply, import_check
from projects.models import Scan
from projects.watchlist.tasks import notify_critical_flags, scan_project, scan_watchlist
from tracker.tasks import heartbeat


@pytest.mark.parametrize("as_of", ["31/12/2024", "2024-13-01", "00/00/0000", "9999-12-31", "1989-12-31", "x" * 10_000,
                                   20240503, ["2024-05-03"], {"day": 3}, "2024-05-03\x00"])
def test_a_scan_with_a_malformed_as_of_is_refused_and_recorded(as_of, watchlist_rules, caplog):
    with caplog.at_level(logging.ERROR, logger="tracker.tasks"):
        outcome = scan_watchlist.apply(args=[as_of])
    assert outcome.successful(), outcome.traceback
    assert "as_of" in outcome.result["refused"]
    scan = Scan.objects.get(pk=outcome.result["scan"])
    assert scan.status == Scan.Status.FAILED and scan.error.startswith("Refused: as_of")
    assert any("scan_watchlist refused" in record.getMessage() for record in caplog.records)


def test_incremental_must_be_true_or_false(watchlist_rules):
    outcome = scan_watchlist.apply(args=["2024-05-03", "false"])
    assert outcome.successful() and "incremental" in outcome.result["refused"]


def test_the_edges_of_the_window_are_accepted(watchlist_rules, project):
    from tracker.dates import date_window

    earliest, latest = date_window()
    for day in (earliest, latest):
        outcome = scan_watchlist.apply(args=[day.isoformat()])
        assert outcome.successful(), outcome.traceback
        assert "refused" not in outcome.result
        assert Scan.objects.get(pk=outcome.result["scan"]).status == Scan.Status.SUCCEEDED
    assert scan_watchlist.apply(kwargs={"as_of": date(2024, 5, 3)}).result["evaluated"] == 1  # a date object too


@pytest.mark.parametrize("bad", ["abc", -1, 0, 1.5, None, True, [[1]], 2**64, "1; DROP TABLE projects_project"])
def test_a_task_given_a_malformed_id_refuses_it(bad, watchlist_rules, caplog):
    with caplog.at_level(logging.ERROR, logger="tracker.tasks"):
        outcomes = [scan_project.apply(args=[bad]), import_check.apply(args=[bad]), import_apply.apply(args=[bad]),
                    notify_critical_flags.apply(args=[bad]), notify_critical_flags.apply(args=[[bad]])]
    for outcome in outcomes:
        assert outcome.successful(), outcome.traceback
    assert "project_id" in outcomes[0].result["refused"]
    assert outcomes[1].result == outcomes[2].result == "refused"
    assert outcomes[3].result == outcomes[4].result == 0
    assert len([r for r in caplog.records if "refused" in r.getMessage()]) == 5


def test_an_id_as_digits_is_used(project):
    assert scan_project.apply(args=[str(project.pk)]).result["scan"]


def test_a_heartbeat_with_a_hostname_that_is_not_text_still_beats(db):
    outcome = heartbeat.apply(args=[{"host": 1}])
    assert outcome.successful() and outcome.result == 1
