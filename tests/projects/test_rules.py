"""Each watchlist rule on the day before and the day its threshold is reached; the force-majeure clock."""
from datetime import date

import pytest

from projects.watchlist import rules
from projects.watchlist.rules import Facts, clock_end, completed_halves

D = date


def facts(**values) -> Facts:
    base = dict(
        project_id=1, status="land_handed_over", registered_capital_vnd=100 * 10**9, clock_start=D(2023, 1, 10),
        land_handover_date=None, construction_start_deadline=None, construction_completion_deadline=None,
        operation_deadline=None, actual_construction_start=None, actual_completion=None, actual_operation_start=None,
        implemented_capital_vnd=None,
    )
    base.update(values)
    return Facts(**base)


def test_clock_without_force_majeure_is_calendar_months():
    assert clock_end(D(2023, 5, 3), months=12) == D(2024, 5, 3)
    assert clock_end(D(2023, 1, 31), months=1) == D(2023, 2, 28)  # calendar months, clamped at month end


def test_force_majeure_days_do_not_count():
    # 10 days of flood inside the first year push the clock 10 days.
    assert clock_end(D(2023, 5, 3), months=12, force_majeure=[(D(2023, 8, 1), D(2023, 8, 10))]) == D(2024, 5, 13)
    # A period that starts before the clock counts only from the clock's start.
    assert clock_end(D(2023, 5, 3), months=12, force_majeure=[(D(2023, 4, 1), D(2023, 5, 4))]) == D(2024, 5, 5)
    # A period that only begins in the pushed-out days is counted too.
    assert clock_end(D(2023, 1, 1), months=1, force_majeure=[(D(2023, 1, 1), D(2023, 1, 31)), (D(2023, 2, 28), D(2023, 3, 1))]) == D(2023, 3, 6)
    # After the clock has run out, a period changes nothing.
    assert clock_end(D(2023, 5, 3), months=12, force_majeure=[(D(2024, 6, 1), D(2024, 6, 30))]) == D(2024, 5, 3)


UNUSED = {"months": 12, "warning_from_month": 9}


def test_land_unused_flag_starts_in_month_13():
    f = facts(land_handover_date=D(2023, 5, 3))
    assert rules.land_unused_12m(f, UNUSED, D(2024, 5, 2)).severity == "warning"
    finding = rules.land_unused_12m(f, UNUSED, D(2024, 5, 3))
    assert finding.severity == "critical" and finding.since == D(2024, 5, 3)
    assert finding.evidence["land_handover_date"] == "2023-05-03"


def test_land_unused_early_warning_from_month_9():
    f = facts(land_handover_date=D(2023, 5, 3))
    assert rules.land_unused_12m(f, UNUSED, D(2024, 1, 2)) is None
    finding = rules.land_unused_12m(f, UNUSED, D(2024, 1, 3))
    assert finding.severity == "warning" and finding.since == D(2024, 1, 3)


def test_force_majeure_moves_the_land_unused_clock():
    f = facts(land_handover_date=D(2023, 5, 3), force_majeure=((D(2023, 9, 1), D(2023, 9, 30)),))
    assert rules.land_unused_12m(f, UNUSED, D(2024, 6, 1)).severity == "warning"
    assert rules.land_unused_12m(f, UNUSED, D(2024, 6, 2)).severity == "critical"


def test_land_unused_stops_once_construction_starts():
    f = facts(land_handover_date=D(2023, 5, 3), actual_construction_start=D(2024, 6, 1))
    assert rules.land_unused_12m(f, UNUSED, D(2024, 7, 1)) is None


def test_land_delay_24_months_after_the_completion_deadline():
    f = facts(land_handover_date=D(2022, 1, 1), construction_completion_deadline=D(2023, 3, 15),
              actual_construction_start=D(2022, 6, 1))
    assert rules.land_delay_24m(f, {"months": 24}, D(2025, 3, 14)) is None
    finding = rules.land_delay_24m(f, {"months": 24}, D(2025, 3, 15))
    assert finding.severity == "critical" and finding.since == D(2025, 3, 15)
    done = facts(land_handover_date=D(2022, 1, 1), construction_completion_deadline=D(2023, 3, 15), actual_completion=D(2025, 1, 1))
    assert rules.land_delay_24m(done, {"months": 24}, D(2025, 6, 1)) is None


def test_extension_expired_the_day_after_its_last_day():
    f = facts(land_handover_date=D(2022, 1, 1), extensions=((D(2023, 1, 1), D(2024, 12, 31)),))
    assert rules.extension_expired(f, {}, D(2024, 12, 31)) is None
    finding = rules.extension_expired(f, {}, D(2025, 1, 1))
    assert finding.since == D(2025, 1, 1) and finding.severity == "critical"
    used = facts(land_handover_date=D(2022, 1, 1), extensions=((D(2023, 1, 1), D(2024, 12, 31)),),
                 actual_construction_start=D(2024, 6, 1))
    assert rules.extension_expired(used, {}, D(2025, 1, 1)) is None


def test_extension_not_requested_15_days_after_the_notice():
    f = facts(land_handover_date=D(2023, 1, 1), notices=((D(2024, 3, 1), None),))
    assert rules.extension_not_requested(f, {"days": 15}, D(2024, 3, 16)) is None
    finding = rules.extension_not_requested(f, {"days": 15}, D(2024, 3, 17))
    assert finding.since == D(2024, 3, 17)
    requested = facts(land_handover_date=D(2023, 1, 1), notices=((D(2024, 3, 1), D(2024, 3, 10)),))
    assert rules.extension_not_requested(requested, {"days": 15}, D(2024, 4, 1)) is None


def test_milestone_overdue_the_day_after_the_deadline_and_critical_24_months_after_operation():
    f = facts(construction_start_deadline=D(2024, 6, 1), operation_deadline=D(2025, 6, 1))
    assert rules.milestone_overdue(f, {"escalate_months": 24}, D(2024, 6, 1)) is None
    finding = rules.milestone_overdue(f, {"escalate_months": 24}, D(2024, 6, 2))
    assert finding.severity == "warning" and finding.since == D(2024, 6, 2)
    assert rules.milestone_overdue(f, {"escalate_months": 24}, D(2027, 5, 31)).severity == "warning"
    assert rules.milestone_overdue(f, {"escalate_months": 24}, D(2027, 6, 1)).severity == "critical"


def test_milestone_overdue_deadline_moves_with_force_majeure_before_it():
    f = facts(construction_start_deadline=D(2024, 6, 1), force_majeure=((D(2024, 1, 1), D(2024, 1, 10)),))
    assert rules.milestone_overdue(f, {}, D(2024, 6, 11)) is None
    assert rules.milestone_overdue(f, {}, D(2024, 6, 12)).since == D(2024, 6, 12)


def test_adjustment_cap_over_12_then_over_24_months():
    params = {"amend_months": 12, "max_months": 24}
    assert rules.adjustment_cap(facts(adjustments=((D(2024, 1, 1), 12),)), params, D(2025, 1, 1)) is None
    warning = rules.adjustment_cap(facts(adjustments=((D(2024, 1, 1), 12), (D(2024, 6, 1), 1))), params, D(2025, 1, 1))
    assert warning.severity == "warning" and warning.since == D(2024, 6, 1)
    assert rules.adjustment_cap(facts(adjustments=((D(2024, 1, 1), 24),)), params, D(2025, 1, 1)).severity == "warning"
    critical = rules.adjustment_cap(facts(adjustments=((D(2024, 1, 1), 24), (D(2024, 9, 1), 1))), params, D(2025, 1, 1))
    assert critical.severity == "critical" and critical.since == D(2024, 9, 1)


def test_suspended_and_unreachable_for_12_months():
    f = facts(status="suspended", unreachable_since=D(2024, 2, 29))
    assert rules.suspended_12m(f, {"months": 12}, D(2025, 2, 27)) is None
    assert rules.suspended_12m(f, {"months": 12}, D(2025, 2, 28)).since == D(2025, 2, 28)
    assert rules.suspended_12m(facts(status="under_construction", unreachable_since=D(2020, 1, 1)), {"months": 12}, D(2025, 1, 1)) is None


def test_land_holding_low_capital_after_the_start_deadline():
    f = facts(land_handover_date=D(2023, 1, 1), construction_start_deadline=D(2023, 7, 1), implemented_capital_vnd=9 * 10**9)
    params = {"capital_share_pct": 10}
    assert rules.land_holding_signs(f, params, D(2023, 7, 1)) is None
    finding = rules.land_holding_signs(f, params, D(2023, 7, 2))
    assert finding.since == D(2023, 7, 2) and finding.evidence["signs"][0]["share_pct"] == 9.0
    enough = facts(land_handover_date=D(2023, 1, 1), construction_start_deadline=D(2023, 7, 1), implemented_capital_vnd=10 * 10**9)
    assert rules.land_holding_signs(enough, params, D(2024, 1, 1)) is None


def test_land_holding_transfer_request_before_operation():
    f = facts(transfer_requests=(D(2024, 4, 2),))
    finding = rules.land_holding_signs(f, {"capital_share_pct": 10}, D(2024, 4, 2))
    assert finding.since == D(2024, 4, 2) and finding.evidence["signs"][0]["indicator"] == "transfer_request"


def test_completed_halves_respect_the_grace_period():
    assert completed_halves(D(2024, 7, 30), 2, 30) == ((2023, 2), (2023, 1))
    assert completed_halves(D(2024, 7, 31), 2, 30) == ((2024, 1), (2023, 2))


@pytest.mark.parametrize(
    "start, months",
    [(D(2023, 1, 31), 1), (D(2024, 1, 31), 1), (D(2023, 5, 3), 12), (D(2023, 12, 31), 2), (D(2024, 2, 29), 12),
     (D(2023, 11, 30), 3), (D(2020, 8, 31), 30)],
)
def test_add_months_agrees_with_relativedelta(start, months):
    from dateutil.relativedelta import relativedelta

    assert rules.add_months(start, months) == start + relativedelta(months=months)


def test_describe_survives_evidence_of_another_shape():
    assert rules.describe("LAND_UNUSED_12M", {}, D(2025, 1, 1)) == ""
    assert rules.describe("NO_SUCH_RULE", {"x": 1}, D(2025, 1, 1)) == ""


def test_report_missing_after_two_half_years_without_a_report():
    params = {"periods": 2, "grace_days": 30}
    f = facts(clock_start=D(2023, 1, 1))
    assert rules.report_missing(f, params, D(2024, 1, 30)) is None  # H1 2023 + H2 2022: not yet registered then
    finding = rules.report_missing(f, params, D(2024, 1, 31))
    assert finding.since == D(2024, 1, 31) and finding.evidence["missing_periods"] == ["2023-H1", "2023-H2"]
    reported = facts(clock_start=D(2023, 1, 1), reported_halves=frozenset({(2023, 2)}))
    assert rules.report_missing(reported, params, D(2024, 1, 31)) is None


@pytest.mark.parametrize("rule", sorted(rules.RULES))
def test_an_operating_project_is_not_flagged_by_land_and_deadline_rules(rule):
    f = facts(
        land_handover_date=D(2020, 1, 1), construction_start_deadline=D(2020, 6, 1),
        construction_completion_deadline=D(2021, 1, 1), operation_deadline=D(2021, 6, 1),
        actual_construction_start=D(2020, 5, 1), actual_completion=D(2020, 12, 1), actual_operation_start=D(2021, 5, 1),
        implemented_capital_vnd=100 * 10**9, status="operating", adjustments=((D(2020, 1, 1), 30),),
        reported_halves=frozenset({(2024, 1), (2024, 2), (2025, 1), (2025, 2)}),
    )
    assert rules.RULES[rule](f, {}, D(2026, 3, 1)) is None


def test_land_delay_counts_from_the_deadline_moved_by_force_majeure_before_it():
    fm = ((D(2024, 1, 1), D(2024, 3, 31)),)  # 91 days
    f = facts(land_handover_date=D(2023, 1, 1), clock_start=D(2023, 1, 1), construction_completion_deadline=D(2024, 10, 1),
              actual_construction_start=D(2023, 6, 1), force_majeure=fm)
    assert rules.land_delay_24m(f, {"months": 24}, D(2026, 10, 1)) is None
    assert rules.land_delay_24m(f, {"months": 24}, D(2026, 12, 31)).since == D(2026, 12, 31)


def test_force_majeure_inside_an_extension_moves_its_expiry():
    f = facts(land_handover_date=D(2023, 1, 1), extensions=((D(2024, 12, 1), D(2025, 11, 30)),),
              force_majeure=((D(2025, 3, 1), D(2025, 3, 31)),))
    assert rules.extension_expired(f, {}, D(2025, 12, 31)) is None
    assert rules.extension_expired(f, {}, D(2026, 1, 1)).since == D(2026, 1, 1)


def test_an_extension_answers_a_violation_notice_even_if_it_started_before_it():
    f = facts(land_handover_date=D(2024, 5, 10), notices=((D(2025, 10, 1), None),),
              extensions=((D(2025, 5, 10), D(2027, 5, 9)),))
    assert rules.extension_not_requested(f, {"days": 15}, D(2025, 11, 1)) is None


def test_land_holding_is_never_dated_before_the_handover():
    f = facts(land_handover_date=D(2024, 3, 1), construction_start_deadline=D(2023, 12, 1), implemented_capital_vnd=0)
    assert rules.land_holding_signs(f, {"capital_share_pct": 10}, D(2024, 6, 1)).since == D(2024, 3, 1)
