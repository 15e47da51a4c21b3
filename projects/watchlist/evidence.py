"""The watchlist in words for the pages: each rule's short name, and a flag's evidence as labelled fields (dates
dd/mm/yyyy, amounts in tỷ đồng, Vietnamese labels) instead of the stored dictionary with its English keys."""
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.watchlist.rules import MILESTONE_NAMES, period_words
from tracker.numbers import format_billions, format_decimal

SHORT_NAMES = {
    "LAND_UNUSED_12M": gettext_lazy("Land unused 12 months"),
    "LAND_DELAY_24M": gettext_lazy("Land use 24 months late"),
    "EXTENSION_EXPIRED": gettext_lazy("Extension expired"),
    "EXTENSION_NOT_REQUESTED": gettext_lazy("No extension requested"),
    "MILESTONE_OVERDUE": gettext_lazy("Milestones overdue"),
    "ADJUSTMENT_CAP": gettext_lazy("Schedule adjusted too far"),
    "SUSPENDED_12M": gettext_lazy("Suspended 12 months"),
    "LAND_HOLDING_SIGNS": gettext_lazy("Signs of land holding"),
    "REPORT_MISSING": gettext_lazy("Reports missing"),
    "TERMINATED_LAND_24M": gettext_lazy("Terminated, land not transferred"),
}

LABELS = {
    "land_handover_date": gettext_lazy("On-site land handover"),
    "threshold_date": gettext_lazy("Threshold reached on"),
    "force_majeure_days": gettext_lazy("Force-majeure days not counted"),
    "construction_start_deadline": gettext_lazy("Construction start deadline"),
    "construction_completion_deadline": gettext_lazy("Construction completion deadline"),
    "actual_construction_start": gettext_lazy("Actual construction start"),
    "construction_started": gettext_lazy("Actual construction start"),
    "clock_state": gettext_lazy("Land clock"),
    "clock": gettext_lazy("Extension for"),
    "extension_start": gettext_lazy("Extension from"),
    "extension_end": gettext_lazy("Extension until"),
    "notice_date": gettext_lazy("Violation notice of"),
    "last_day_to_request": gettext_lazy("Last day to ask for an extension"),
    "requested_on": gettext_lazy("Extension requested on"),
    "missed": gettext_lazy("Deadlines missed"),
    "adjustment_granted": gettext_lazy("Schedule adjustment granted"),
    "land_law_route": gettext_lazy("Handled under the Land Law"),
    "escalation_date": gettext_lazy("24 months after the operation deadline"),
    "months_added": gettext_lazy("Months added by adjustments"),
    "limit_months": gettext_lazy("Limit (months)"),
    "suspended_on": gettext_lazy("Operations stopped on"),
    "unreachable_since": gettext_lazy("Investor unreachable since"),
    "signs": gettext_lazy("Signs"),
    "missing_periods": gettext_lazy("Half-years without a report"),
    "report_due": gettext_lazy("Last report due on"),
    "terminated_on": gettext_lazy("Terminated on"),
}


def short_name(code: str) -> str:
    return str(SHORT_NAMES.get(code, code))


def _date(value) -> str:
    try:
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return str(value)


def _value(key: str, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key.endswith("_date") or key.endswith("_on") or key in ("extension_start", "extension_end", "report_due",
                                                                "construction_started", "actual_construction_start",
                                                                "construction_start_deadline",
                                                                "construction_completion_deadline"):
        return _date(value)
    if key == "clock_state":
        return {"running": _("running"), "reached": _("reached: the extension window is open"),
                "extended": _("extended: lawful while the extension runs")}.get(value, str(value))
    if key == "clock":
        return {"unused": _("land unused 12 months"), "delay": _("land use 24 months late")}.get(value, str(value))
    if key == "missed":
        return "; ".join(_("%(milestone)s due %(date)s") % {"milestone": MILESTONE_NAMES.get(m.get("milestone"), ""),
                                                           "date": _date(m.get("deadline"))} for m in value)
    if key == "signs":
        parts = []
        for sign in value:
            if sign.get("indicator") == "low_capital":
                parts.append(_("capital implemented %(implemented)s of %(registered)s billion VND (%(share)s %%)") % {
                    "implemented": format_billions(sign.get("implemented_capital_vnd") or 0),
                    "registered": format_billions(sign.get("registered_capital_vnd") or 0),
                    "share": format_decimal(sign.get("share_pct") or 0)})
            else:
                parts.append(_("transfer requested on %(date)s") % {"date": _date(sign.get("request_date"))})
        return "; ".join(parts)
    if key == "missing_periods":
        return ", ".join(period_words(period) for period in value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def evidence_rows(evidence) -> list[tuple[str, str]]:
    """(label, value) for each fact that triggered a flag, in words."""
    if not isinstance(evidence, dict):
        return []
    return [(str(LABELS.get(key, key.replace("_", " "))), _value(key, value)) for key, value in evidence.items()]
