"""Each watchlist rule on the day before and the day its threshold is reached; the force-majeure clock."""
from datetime import date

import pytest

from projects.watchlist import rules
from projects.watchlist.rules import Extension, Facts, clock_end, due_halves

D = date


def check(rule, f, params, day):
    """The rule's finding for the project on the day (None when it finds nothing)."""
    return rule(f, params, day).finding


def ext(start, end, clock="unused", decision=None, requested=None) -> Extension:
    return Extension(clock, start, end, decision or start, requested)


def _facts(**values) -> Facts:
    return facts(**values)


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
    assert check(rules.land_unused_12m, f, UNUSED, D(2024, 5, 2)).severity == "warning"
    finding = check(rules.land_unused_12m, f, UNUSED, D(2024, 5, 3))
    assert finding.severity == "critical" and finding.since == D(2024, 5, 3)
    assert finding.evidence["land_handover_date"] == "2023-05-03"


def test_land_unused_early_warning_from_month_9():
    f = facts(land_handover_date=D(2023, 5, 3))
    assert check(rules.land_unused_12m, f, UNUSED, D(2024, 1, 2)) is None
    finding = check(rules.land_unused_12m, f, UNUSED, D(2024, 1, 3))
    assert finding.severity == "warning" and finding.since == D(2024, 1, 3)


def test_force_majeure_moves_the_land_unused_clock():
    f = facts(land_handover_date=D(2023, 5, 3), force_majeure=((D(2023, 9, 1), D(2023, 9, 30)),))
    assert check(rules.land_unused_12m, f, UNUSED, D(2024, 6, 1)).severity == "warning"
    assert check(rules.land_unused_12m, f, UNUSED, D(2024, 6, 2)).severity == "critical"


def test_land_unused_stops_once_construction_starts():
    f = facts(land_handover_date=D(2023, 5, 3), actual_construction_start=D(2024, 6, 1))
    assert check(rules.land_unused_12m, f, UNUSED, D(2024, 7, 1)) is None


def test_land_delay_24_months_after_the_completion_deadline():
    f = facts(land_handover_date=D(2022, 1, 1), construction_completion_deadline=D(2023, 3, 15),
              actual_construction_start=D(2022, 6, 1))
    assert check(rules.land_delay_24m, f, {"months": 24}, D(2025, 3, 14)) is None
    finding = check(rules.land_delay_24m, f, {"months": 24}, D(2025, 3, 15))
    assert finding.severity == "critical" and finding.since == D(2025, 3, 15)
    done = facts(land_handover_date=D(2022, 1, 1), construction_completion_deadline=D(2023, 3, 15), actual_completion=D(2025, 1, 1))
    assert check(rules.land_delay_24m, done, {"months": 24}, D(2025, 6, 1)) is None


def test_extension_expired_the_day_after_its_last_day():
    f = facts(land_handover_date=D(2022, 1, 1), extensions=(ext(D(2023, 1, 1), D(2024, 12, 31)),))
    assert check(rules.extension_expired, f, {}, D(2024, 12, 31)) is None
    finding = check(rules.extension_expired, f, {}, D(2025, 1, 1))
    assert finding.since == D(2025, 1, 1) and finding.severity == "critical"
    used = facts(land_handover_date=D(2022, 1, 1), extensions=(ext(D(2023, 1, 1), D(2024, 12, 31)),),
                 actual_construction_start=D(2024, 6, 1))
    assert check(rules.extension_expired, used, {}, D(2025, 1, 1)) is None


def test_extension_not_requested_15_days_after_the_notice():
    f = facts(land_handover_date=D(2023, 1, 1), notices=((D(2024, 3, 1), None),))
    assert check(rules.extension_not_requested, f, {"days": 15}, D(2024, 3, 16)) is None
    finding = check(rules.extension_not_requested, f, {"days": 15}, D(2024, 3, 17))
    assert finding.since == D(2024, 3, 17)
    requested = facts(land_handover_date=D(2023, 1, 1), notices=((D(2024, 3, 1), D(2024, 3, 10)),))
    assert check(rules.extension_not_requested, requested, {"days": 15}, D(2024, 4, 1)) is None


def test_milestone_overdue_the_day_after_the_deadline_and_critical_24_months_after_operation():
    f = facts(construction_start_deadline=D(2024, 6, 1), operation_deadline=D(2025, 6, 1))
    assert check(rules.milestone_overdue, f, {"escalate_months": 24}, D(2024, 6, 1)) is None
    finding = check(rules.milestone_overdue, f, {"escalate_months": 24}, D(2024, 6, 2))
    assert finding.severity == "warning" and finding.since == D(2024, 6, 2)
    assert check(rules.milestone_overdue, f, {"escalate_months": 24}, D(2027, 5, 31)).severity == "warning"
    assert check(rules.milestone_overdue, f, {"escalate_months": 24}, D(2027, 6, 1)).severity == "critical"


def test_milestone_overdue_deadline_moves_with_force_majeure_before_it():
    f = facts(construction_start_deadline=D(2024, 6, 1), force_majeure=((D(2024, 1, 1), D(2024, 1, 10)),))
    assert check(rules.milestone_overdue, f, {}, D(2024, 6, 11)) is None
    assert check(rules.milestone_overdue, f, {}, D(2024, 6, 12)).since == D(2024, 6, 12)


def test_adjustment_cap_over_12_then_over_24_months():
    params = {"amend_months": 12, "max_months": 24}

    def facts(**values):
        return _facts(has_policy_approval=True, **values)

    assert check(rules.adjustment_cap, facts(adjustments=((D(2024, 1, 1), 12),)), params, D(2025, 1, 1)) is None
    warning = check(rules.adjustment_cap, facts(adjustments=((D(2024, 1, 1), 12), (D(2024, 6, 1), 1))), params, D(2025, 1, 1))
    assert warning.severity == "warning" and warning.since == D(2024, 6, 1)
    assert check(rules.adjustment_cap, facts(adjustments=((D(2024, 1, 1), 24),)), params, D(2025, 1, 1)).severity == "warning"
    critical = check(rules.adjustment_cap, facts(adjustments=((D(2024, 1, 1), 24), (D(2024, 9, 1), 1))), params, D(2025, 1, 1))
    assert critical.severity == "critical" and critical.since == D(2024, 9, 1)


def test_suspended_12_months_from_the_day_operations_stopped_29_february():
    # Operations stopped on 29/02/2024: 12 calendar months end on 28/02/2025 (clamped), the investor unreachable.
    f = facts(status="suspended", status_since=D(2024, 2, 29), unreachable_since=D(2024, 3, 15))
    assert check(rules.suspended_12m, f, {"months": 12}, D(2025, 2, 27)) is None
    finding = check(rules.suspended_12m, f, {"months": 12}, D(2025, 2, 28))
    assert finding.since == D(2025, 2, 28) and finding.severity == "critical" and finding.ground
    assert check(rules.suspended_12m, facts(status="under_construction", status_since=D(2020, 1, 1),
                                            unreachable_since=D(2020, 1, 1)), {"months": 12}, D(2025, 1, 1)) is None


def test_suspended_counts_from_the_suspension_not_from_when_the_investor_became_unreachable():
    # Unreachable since 2023, but operations stopped only on 01/06/2024: nothing before 01/06/2025.
    f = facts(status="suspended", status_since=D(2024, 6, 1), unreachable_since=D(2023, 1, 1))
    assert check(rules.suspended_12m, f, {"months": 12}, D(2025, 5, 31)) is None
    assert check(rules.suspended_12m, f, {"months": 12}, D(2025, 6, 1)).since == D(2025, 6, 1)
    # Reached, but the investor can be reached: no ground.
    reachable = facts(status="suspended", status_since=D(2024, 6, 1), unreachable_since=None)
    assert check(rules.suspended_12m, reachable, {"months": 12}, D(2026, 1, 1)) is None
    # Became unreachable after the 12 months: the ground holds from that day.
    late = facts(status="suspended", status_since=D(2024, 6, 1), unreachable_since=D(2025, 9, 1))
    assert check(rules.suspended_12m, late, {"months": 12}, D(2025, 9, 1)).since == D(2025, 9, 1)


def test_land_holding_low_capital_after_the_start_deadline():
    f = facts(land_handover_date=D(2023, 1, 1), construction_start_deadline=D(2023, 7, 1), implemented_capital_vnd=9 * 10**9)
    params = {"capital_share_pct": 10}
    assert check(rules.land_holding_signs, f, params, D(2023, 7, 1)) is None
    finding = check(rules.land_holding_signs, f, params, D(2023, 7, 2))
    assert finding.since == D(2023, 7, 2) and finding.evidence["signs"][0]["share_pct"] == 9.0
    enough = facts(land_handover_date=D(2023, 1, 1), construction_start_deadline=D(2023, 7, 1), implemented_capital_vnd=10 * 10**9)
    assert check(rules.land_holding_signs, enough, params, D(2024, 1, 1)) is None


def test_land_holding_transfer_request_before_operation():
    f = facts(transfer_requests=(D(2024, 4, 2),))
    finding = check(rules.land_holding_signs, f, {"capital_share_pct": 10}, D(2024, 4, 2))
    assert finding.since == D(2024, 4, 2) and finding.evidence["signs"][0]["indicator"] == "transfer_request"


def test_reports_are_due_on_20_june_and_20_december():
    # The first-half report is due on 20/06, the second-half (or year) report on 20/12: missed from the next day.
    assert due_halves(D(2024, 6, 20), 2) == ((2023, 2), (2023, 1))
    assert due_halves(D(2024, 6, 21), 2) == ((2024, 1), (2023, 2))
    assert due_halves(D(2024, 12, 20), 2) == ((2024, 1), (2023, 2))
    assert due_halves(D(2024, 12, 21), 2) == ((2024, 2), (2024, 1))


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


def test_report_missing_the_day_after_the_second_missed_due_date():
    params = {"periods": 2, "h1_due": "06-20", "h2_due": "12-20"}
    f = facts(clock_start=D(2023, 3, 1))  # registered during 2023-H1: its first due half-year is 2023-H2
    assert check(rules.report_missing, f, params, D(2024, 6, 20)) is None  # 2023-H1 began before registration
    finding = check(rules.report_missing, f, params, D(2024, 6, 21))
    assert finding.since == D(2024, 6, 21) and finding.evidence["missing_periods"] == ["2023-H2", "2024-H1"]
    assert finding.evidence["report_due"] == "2024-06-20" and not finding.ground
    reported = facts(clock_start=D(2023, 3, 1), reported_halves=frozenset({(2024, 1)}))
    assert check(rules.report_missing, reported, params, D(2024, 6, 21)) is None


def test_report_missing_says_when_it_next_changes():
    params = {"periods": 2}
    verdict = rules.report_missing(facts(clock_start=D(2023, 3, 1)), params, D(2024, 6, 1))
    assert verdict.finding is None and verdict.next_on == D(2024, 6, 21)


@pytest.mark.parametrize("rule", sorted(set(rules.RULES) - rules.FOR_TERMINATED))
def test_an_operating_project_is_not_flagged_by_land_and_deadline_rules(rule):
    f = facts(
        land_handover_date=D(2020, 1, 1), construction_start_deadline=D(2020, 6, 1),
        construction_completion_deadline=D(2021, 1, 1), operation_deadline=D(2021, 6, 1),
        actual_construction_start=D(2020, 5, 1), actual_completion=D(2020, 12, 1), actual_operation_start=D(2021, 5, 1),
        implemented_capital_vnd=100 * 10**9, status="operating", adjustments=((D(2020, 1, 1), 30),),
        has_policy_approval=True,
        reported_halves=frozenset({(2024, 1), (2024, 2), (2025, 1), (2025, 2)}),
    )
    assert check(rules.RULES[rule], f, {}, D(2026, 3, 1)) is None


def test_land_delay_counts_from_the_deadline_moved_by_force_majeure_before_it():
    fm = ((D(2024, 1, 1), D(2024, 3, 31)),)  # 91 days
    f = facts(land_handover_date=D(2023, 1, 1), clock_start=D(2023, 1, 1), construction_completion_deadline=D(2024, 10, 1),
              actual_construction_start=D(2023, 6, 1), force_majeure=fm)
    assert check(rules.land_delay_24m, f, {"months": 24}, D(2026, 10, 1)) is None
    assert check(rules.land_delay_24m, f, {"months": 24}, D(2026, 12, 31)).since == D(2026, 12, 31)


def test_force_majeure_inside_an_extension_moves_its_expiry():
    f = facts(land_handover_date=D(2023, 1, 1), extensions=(ext(D(2024, 12, 1), D(2025, 11, 30)),),
              force_majeure=((D(2025, 3, 1), D(2025, 3, 31)),))
    assert check(rules.extension_expired, f, {}, D(2025, 12, 31)) is None
    assert check(rules.extension_expired, f, {}, D(2026, 1, 1)).since == D(2026, 1, 1)


def test_an_extension_answers_a_violation_notice_even_if_it_started_before_it():
    f = facts(land_handover_date=D(2024, 5, 10), notices=((D(2025, 10, 1), None),),
              extensions=(ext(D(2025, 5, 10), D(2027, 5, 9)),))
    assert check(rules.extension_not_requested, f, {"days": 15}, D(2025, 11, 1)) is None


def test_land_holding_is_never_dated_before_the_handover():
    f = facts(land_handover_date=D(2024, 3, 1), construction_start_deadline=D(2023, 12, 1), implemented_capital_vnd=0)
    assert check(rules.land_holding_signs, f, {"capital_share_pct": 10}, D(2024, 6, 1)).since == D(2024, 3, 1)


# ---- The land clock as a lifecycle (docs/watchlist.md, "A land clock is a lifecycle") ------------------------------


def test_a_running_extension_makes_the_clock_information_only_until_its_last_day():
    # Handed over 03/05/2023: reached 03/05/2024; one extension 03/05/2024 – 02/05/2026 (24 months).
    f = facts(land_handover_date=D(2023, 5, 3),
              extensions=(ext(D(2024, 5, 3), D(2026, 5, 2), decision=D(2024, 6, 1)),))
    during = rules.land_unused_12m(f, UNUSED, D(2026, 5, 2))
    assert during.finding.severity == "info" and not during.finding.ground
    assert during.finding.evidence["clock_state"] == "extended"
    assert during.finding.evidence["extension_end"] == "2026-05-02"
    assert during.next_on == D(2026, 5, 3)
    assert check(rules.extension_expired, f, {}, D(2026, 5, 2)) is None
    # The day after its last day the clock goes on as EXTENSION_EXPIRED, a ground for recovery.
    assert check(rules.land_unused_12m, f, UNUSED, D(2026, 5, 3)) is None
    expired = check(rules.extension_expired, f, {}, D(2026, 5, 3))
    assert expired.severity == "critical" and expired.ground and expired.since == D(2026, 5, 3)


def test_reaching_a_land_clock_opens_the_extension_window_and_is_not_a_ground():
    f = facts(land_handover_date=D(2023, 5, 3))
    reached = check(rules.land_unused_12m, f, UNUSED, D(2024, 5, 3))
    assert reached.severity == "critical" and not reached.ground and reached.evidence["clock_state"] == "reached"
    late = facts(land_handover_date=D(2022, 1, 1), actual_construction_start=D(2022, 6, 1),
                 construction_completion_deadline=D(2023, 3, 15))
    assert not check(rules.land_delay_24m, late, {"months": 24}, D(2025, 3, 15)).ground


def test_the_delay_clock_extension_expires_only_while_construction_is_unfinished():
    base = dict(land_handover_date=D(2022, 1, 1), actual_construction_start=D(2022, 6, 1),
                construction_completion_deadline=D(2023, 3, 15),
                extensions=(ext(D(2025, 3, 15), D(2027, 3, 14), clock="delay"),))
    assert check(rules.extension_expired, facts(**base), {}, D(2027, 3, 15)).evidence["clock"] == "delay"
    # Construction started long ago: the unused clock has nothing to do with it, and a completed project is done.
    assert check(rules.extension_expired, facts(**base, actual_completion=D(2027, 1, 1)), {}, D(2027, 3, 15)) is None


def test_month_ends_and_29_february_on_the_land_clocks():
    # 31/01/2024: month 9 starts on 30/09/2024 (clamped), month 13 on 31/01/2025.
    f = facts(land_handover_date=D(2024, 1, 31))
    assert check(rules.land_unused_12m, f, UNUSED, D(2024, 9, 29)) is None
    assert check(rules.land_unused_12m, f, UNUSED, D(2024, 9, 30)).severity == "warning"
    assert check(rules.land_unused_12m, f, UNUSED, D(2025, 1, 30)).severity == "warning"
    assert check(rules.land_unused_12m, f, UNUSED, D(2025, 1, 31)).severity == "critical"
    # Completion due 29/02/2024: month 25 starts on 28/02/2026.
    late = facts(land_handover_date=D(2023, 1, 1), clock_start=D(2023, 1, 1), actual_construction_start=D(2023, 2, 1),
                 construction_completion_deadline=D(2024, 2, 29))
    assert check(rules.land_delay_24m, late, {"months": 24}, D(2026, 2, 27)) is None
    assert check(rules.land_delay_24m, late, {"months": 24}, D(2026, 2, 28)).since == D(2026, 2, 28)


def test_both_edges_of_a_force_majeure_period():
    # The 12 months from 03/05/2023 run to 02/05/2024. A period ending on their last day pauses it one day; a period
    # starting on the first day of month 13 comes after the clock and changes nothing.
    last_day = facts(land_handover_date=D(2023, 5, 3), force_majeure=((D(2024, 5, 2), D(2024, 5, 2)),))
    assert check(rules.land_unused_12m, last_day, UNUSED, D(2024, 5, 3)).severity == "warning"
    assert check(rules.land_unused_12m, last_day, UNUSED, D(2024, 5, 4)).severity == "critical"
    after = facts(land_handover_date=D(2023, 5, 3), force_majeure=((D(2024, 5, 3), D(2024, 5, 10)),))
    assert check(rules.land_unused_12m, after, UNUSED, D(2024, 5, 3)).severity == "critical"
    # A period starting on the handover day counts from its first day.
    first_day = facts(land_handover_date=D(2023, 5, 3), force_majeure=((D(2023, 5, 3), D(2023, 5, 4)),))
    assert check(rules.land_unused_12m, first_day, UNUSED, D(2024, 5, 4)).severity == "warning"
    assert check(rules.land_unused_12m, first_day, UNUSED, D(2024, 5, 5)).severity == "critical"


# ---- Decree 102/2024 Art. 31: 15 days to ask for the extension ---------------------------------------------------


def test_a_request_on_day_15_answers_the_notice_one_on_day_16_does_not():
    # Notice 01/03/2024: the 15 days end on 16/03/2024.
    in_time = facts(land_handover_date=D(2023, 1, 1), notices=((D(2024, 3, 1), D(2024, 3, 16)),))
    assert check(rules.extension_not_requested, in_time, {"days": 15}, D(2024, 4, 1)) is None
    too_late = facts(land_handover_date=D(2023, 1, 1), notices=((D(2024, 3, 1), D(2024, 3, 17)),))
    assert check(rules.extension_not_requested, too_late, {"days": 15}, D(2024, 3, 16)) is None
    finding = check(rules.extension_not_requested, too_late, {"days": 15}, D(2024, 3, 17))
    assert finding.since == D(2024, 3, 17) and finding.severity == "critical" and finding.ground
    assert finding.evidence["requested_on"] == "2024-03-17"


def test_a_late_request_on_the_extension_itself_does_not_count_either():
    late = facts(land_handover_date=D(2023, 1, 1), notices=((D(2024, 3, 1), None),),
                 extensions=(ext(D(2024, 5, 1), D(2025, 4, 30), requested=D(2024, 4, 1)),))
    assert check(rules.extension_not_requested, late, {"days": 15}, D(2024, 3, 17)).ground
    timely = facts(land_handover_date=D(2023, 1, 1), notices=((D(2024, 3, 1), None),),
                   extensions=(ext(D(2024, 5, 1), D(2025, 4, 30), requested=D(2024, 3, 10)),))
    assert check(rules.extension_not_requested, timely, {"days": 15}, D(2024, 3, 17)) is None


# ---- Law on Investment Art. 41(3)(d), 41(4): the cap applies to projects with a policy approval ---------------------


def test_a_certificate_only_project_has_no_adjustment_cap():
    params = {"amend_months": 12, "max_months": 24}
    adjusted = ((D(2024, 1, 1), 20), (D(2024, 9, 1), 10))
    assert check(rules.adjustment_cap, facts(adjustments=adjusted), params, D(2025, 1, 1)) is None
    approved = check(rules.adjustment_cap, facts(adjustments=adjusted, has_policy_approval=True), params, D(2025, 1, 1))
    assert approved.severity == "critical" and approved.since == D(2024, 9, 1) and not approved.ground


# ---- Law on Investment Art. 48(2)(a1): a ground only at critical, without adjustment, outside land law ------------


def test_milestone_overdue_is_a_ground_only_without_adjustment_and_outside_land_law():
    # No land handed over: the investment law's clock. Operation due 01/06/2025; critical from 01/06/2027.
    f = facts(construction_start_deadline=D(2024, 6, 1), operation_deadline=D(2025, 6, 1))
    assert not check(rules.milestone_overdue, f, {"escalate_months": 24}, D(2027, 5, 31)).ground
    critical = check(rules.milestone_overdue, f, {"escalate_months": 24}, D(2027, 6, 1))
    assert critical.severity == "critical" and critical.ground and critical.since == D(2027, 6, 1)
    adjusted = facts(construction_start_deadline=D(2024, 6, 1), operation_deadline=D(2025, 6, 1),
                     adjustments=((D(2024, 3, 1), 6),))
    finding = check(rules.milestone_overdue, adjusted, {"escalate_months": 24}, D(2027, 6, 1))
    assert finding.severity == "warning" and not finding.ground and finding.evidence["adjustment_granted"]
    land = facts(construction_start_deadline=D(2024, 6, 1), operation_deadline=D(2025, 6, 1),
                 land_handover_date=D(2024, 1, 1))
    finding = check(rules.milestone_overdue, land, {"escalate_months": 24}, D(2027, 6, 1))
    assert finding.severity == "warning" and not finding.ground and finding.evidence["land_law_route"]


# ---- Decree 102/2024 Art. 35(2): 24 months after termination ------------------------------------------------------


def test_terminated_land_not_transferred_within_24_months():
    f = facts(status="terminated", status_since=D(2024, 2, 29), land_handover_date=D(2022, 1, 1))
    assert check(rules.terminated_land_24m, f, {"months": 24}, D(2026, 2, 27)) is None
    finding = check(rules.terminated_land_24m, f, {"months": 24}, D(2026, 2, 28))
    assert finding.since == D(2026, 2, 28) and finding.ground
    transferred = facts(status="terminated", status_since=D(2024, 2, 29), land_handover_date=D(2022, 1, 1),
                        land_transferred_on=D(2025, 1, 1))
    assert check(rules.terminated_land_24m, transferred, {"months": 24}, D(2026, 3, 1)) is None
    recovered = facts(status="terminated", status_since=D(2024, 2, 29), land_handover_date=D(2022, 1, 1),
                      land_recovered_on=D(2024, 2, 29))
    assert check(rules.terminated_land_24m, recovered, {"months": 24}, D(2026, 3, 1)) is None


def test_a_terminated_project_is_evaluated_for_its_own_clock_alone():
    f = facts(status="terminated", status_since=D(2024, 1, 1), land_handover_date=D(2020, 1, 1),
              construction_start_deadline=D(2020, 6, 1), clock_start=D(2019, 1, 1))
    every_rule = [(code, {}) for code in rules.RULES]
    findings, _next = rules.evaluate_project(f, every_rule, D(2026, 6, 1))
    assert [code for code, _finding in findings] == ["TERMINATED_LAND_24M"]


def test_each_rule_says_when_its_answer_next_changes():
    f = facts(land_handover_date=D(2023, 5, 3))
    assert rules.land_unused_12m(f, UNUSED, D(2023, 6, 1)).next_on == D(2024, 1, 3)  # month 9
    assert rules.land_unused_12m(f, UNUSED, D(2024, 2, 1)).next_on == D(2024, 5, 3)  # month 13
    notice = facts(land_handover_date=D(2023, 1, 1), notices=((D(2024, 3, 1), None),))
    assert rules.extension_not_requested(notice, {"days": 15}, D(2024, 3, 5)).next_on == D(2024, 3, 17)
    suspended = facts(status="suspended", status_since=D(2024, 6, 1), unreachable_since=D(2024, 6, 1))
    assert rules.suspended_12m(suspended, {}, D(2024, 7, 1)).next_on == D(2025, 6, 1)
    _findings, earliest = rules.evaluate_project(f, [(code, {}) for code in rules.RULES], D(2023, 6, 1))
    assert earliest == D(2023, 6, 21)  # the first-half report falls due on 20/06 before month 9 comes
    _findings, earliest = rules.evaluate_project(f, [("LAND_UNUSED_12M", {}), ("MILESTONE_OVERDUE", {})], D(2023, 6, 1))
    assert earliest == D(2024, 1, 3)


# ---- Found by a review against the reading ------------------------------------------------------------------------


def test_a_force_majeure_day_inside_the_15_days_pauses_them_the_notice_day_does_not():
    # Notice 01/10/2025: the 15 days are 02/10–16/10. Force majeure on 16/10 moves the last day to 17/10.
    paused = facts(land_handover_date=D(2023, 1, 1), notices=((D(2025, 10, 1), D(2025, 10, 17)),),
                   force_majeure=((D(2025, 10, 16), D(2025, 10, 16)),))
    assert check(rules.extension_not_requested, paused, {"days": 15}, D(2025, 11, 1)) is None
    # Force majeure ending on the notice day itself changes nothing: a request on 17/10 is late.
    before = facts(land_handover_date=D(2023, 1, 1), notices=((D(2025, 10, 1), D(2025, 10, 17)),),
                   force_majeure=((D(2025, 9, 20), D(2025, 10, 1)),))
    assert check(rules.extension_not_requested, before, {"days": 15}, D(2025, 11, 1)).since == D(2025, 10, 17)


def test_two_notices_on_one_day_do_not_stop_the_rule():
    f = facts(land_handover_date=D(2023, 1, 1), notices=((D(2025, 10, 1), D(2025, 10, 5)), (D(2025, 10, 1), None)))
    assert rules.extension_not_requested(f, {"days": 15}, D(2025, 11, 1)).finding.ground  # the second, unanswered


def test_overlapping_force_majeure_periods_pause_a_day_once():
    once = facts(land_handover_date=D(2024, 1, 1), force_majeure=((D(2024, 3, 1), D(2024, 3, 31)),))
    twice = facts(land_handover_date=D(2024, 1, 1),
                  force_majeure=((D(2024, 3, 1), D(2024, 3, 31)), (D(2024, 3, 1), D(2024, 3, 31)), (D(2024, 3, 15), D(2024, 4, 1))))
    assert check(rules.land_unused_12m, once, UNUSED, D(2025, 2, 1)).since == D(2025, 2, 1)
    assert check(rules.land_unused_12m, twice, UNUSED, D(2025, 2, 2)).since == D(2025, 2, 2)  # one more day: 01/04


def test_force_majeure_on_the_deadline_day_moves_it():
    f = facts(construction_start_deadline=D(2024, 6, 30), force_majeure=((D(2024, 6, 30), D(2024, 6, 30)),))
    assert check(rules.milestone_overdue, f, {}, D(2024, 7, 1)) is None
    assert check(rules.milestone_overdue, f, {}, D(2024, 7, 2)).since == D(2024, 7, 2)


def test_a_notice_during_an_extensions_force_majeure_tail_is_answered_by_it():
    # The extension's last day is 31/12/2025, but 30 paused days inside it run it to 30/01/2026.
    f = facts(land_handover_date=D(2023, 1, 1), notices=((D(2026, 1, 10), None),),
              extensions=(ext(D(2024, 1, 1), D(2025, 12, 31), decision=D(2024, 1, 1)),),
              force_majeure=((D(2025, 6, 1), D(2025, 6, 30)),))
    assert check(rules.extension_not_requested, f, {"days": 15}, D(2026, 1, 28)) is None


def test_a_notice_about_late_land_use_counts_after_construction_started():
    # Construction started in 2022 but completion (due 01/03/2023) is 24 months late from 01/03/2025.
    f = facts(land_handover_date=D(2021, 6, 1), clock_start=D(2021, 1, 1), actual_construction_start=D(2022, 1, 1),
              construction_completion_deadline=D(2023, 3, 1), notices=((D(2025, 7, 10), None),))
    finding = check(rules.extension_not_requested, f, {"days": 15}, D(2025, 9, 1))
    assert finding.ground and finding.since == D(2025, 7, 26)


def test_an_extension_of_a_clock_not_reached_expires_into_nothing():
    # Construction started 01/06/2024, completion due 30/06/2027: the delay clock is reached only on 30/06/2029.
    f = facts(land_handover_date=D(2020, 1, 1), clock_start=D(2019, 1, 1), actual_construction_start=D(2024, 6, 1),
              construction_completion_deadline=D(2027, 6, 30),
              extensions=(ext(D(2022, 1, 1), D(2023, 12, 31), clock="delay"), ext(D(2022, 1, 1), D(2023, 1, 1), clock="")))
    assert check(rules.extension_expired, f, {}, D(2025, 1, 15)) is None


def test_the_missing_reports_are_named_in_words_not_codes():
    from django.utils import translation

    with translation.override("vi"):
        text = rules.describe("REPORT_MISSING", {"missing_periods": ["2025-H2", "2026-H1"]}, D(2026, 7, 1))
    assert text == "Không có báo cáo vốn các kỳ 6 tháng cuối năm 2025, 6 tháng đầu năm 2026." and "H2" not in text
