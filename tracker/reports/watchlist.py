"""The watchlist report to the provincial People's Committee: the flags still open, each with its rule, legal basis,
evidence in plain words, review state and the action the department proposes."""
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from projects.models import Flag, ReviewStep
from projects.watchlist.rules import describe
from projects.watchlist.selectors import flag_list

S = Flag.State
# Rules whose critical flag means the land goes back (Land Law 2024 Art. 81(8)) or the project ends (Law on
# Investment Art. 48(2)): once verified, the department proposes revocation rather than another letter.
REVOCATION_RULES = {"EXTENSION_EXPIRED", "EXTENSION_NOT_REQUESTED", "SUSPENDED_12M", "LAND_DELAY_24M"}


@dataclass
class WatchlistRow:
    number: int
    flag: Flag
    evidence: str
    state: str
    last_step: ReviewStep | None
    proposal: str


def proposed_action(flag: Flag) -> str:
    """What the department proposes next for a flag, from its review state (and, once verified, its rule)."""
    state = flag.state
    if state == S.REVOCATION_PROPOSED:
        return _("The department proposes that the provincial People's Committee terminate the project and recover "
                 "the land.")
    if state == S.DECIDED:
        return _("Decision recorded; follow up its enforcement.")
    if state == S.EXTENDED:
        return _("Land-use extension granted; check that the land is in use when it ends.")
    if state == S.DISMISSED:
        return _("Dismissed after review; no action.")
    if state == S.INSPECTED:
        if flag.rule.code in REVOCATION_RULES and flag.severity == "critical":
            return _("Verified by inspection; the department will propose terminating the project and recovering "
                     "the land.")
        return _("Verified by inspection; handle according to the inspection's conclusions.")
    if state == S.EXPLANATION_REQUESTED:
        return _("Waiting for the investor's explanation; inspect on site if none comes by the due date.")
    if state == S.ASSIGNED:
        return _("Under verification by the officer assigned.")
    return _("Assign for verification and ask the investor to explain.")


def watchlist_report(*, user, filters=None, today: date) -> list[WatchlistRow]:
    """The open flags the user may see, with the watchlist page's filters; dismissed flags are left out unless the
    filters ask for them. The same queries whatever the number of flags: the flags with their project, cluster,
    investor and rule, then their review steps."""
    filterset = flag_list(filters=filters, user=user)
    queryset = filterset.qs
    if not (filterset.is_bound and filterset.form.is_valid() and filterset.form.cleaned_data.get("state")):
        queryset = queryset.exclude(state=S.DISMISSED)
    queryset = queryset.prefetch_related(
        Prefetch("steps", queryset=ReviewStep.objects.order_by("-created_at", "-pk"), to_attr="ordered_steps")
    )
    rows = []
    for number, flag in enumerate(queryset, start=1):
        rows.append(WatchlistRow(
            number=number,
            flag=flag,
            evidence=describe(flag.rule.code, flag.evidence, today),
            state=flag.get_state_display(),
            last_step=flag.ordered_steps[0] if flag.ordered_steps else None,
            proposal=proposed_action(flag),
        ))
    return rows
