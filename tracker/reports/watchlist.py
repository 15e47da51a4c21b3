"""The watchlist report to the provincial People's Committee: the flags still open, each with its rule, legal basis,
evidence in plain words, review state and the action the department proposes."""
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from projects.models import Flag, ReviewStep
from projects.watchlist.rules import describe, extension_running
from projects.watchlist.scans import load_facts
from projects.watchlist.selectors import flag_list

S = Flag.State
RECOVERY_STATES = {S.RECOVERY_FILED, S.RECOVERY_NOTIFIED, S.ASSETS_HANDLED}
# The land clocks of Land Law 2024 Art. 81(8): reaching one opens the extension window, it is not a ground.
CLOCK_RULES = {"LAND_UNUSED_12M", "LAND_DELAY_24M"}


@dataclass
class WatchlistRow:
    number: int
    flag: Flag
    evidence: str
    state: str
    last_step: ReviewStep | None
    proposal: str


def _revocation(flag: Flag) -> str:
    if flag.ground == "recovery":
        return _("recover the land without compensation")
    return _("terminate the project")


def proposed_action(flag: Flag, running_extension=None) -> str:
    """What the department proposes next for a flag, from its review state and whether its finding is a legal
    ground for revocation (`Flag.ground`, declared by the rule): never a revocation on anything else, nor while an
    extension of the project runs (`running_extension`, from the facts)."""
    state = flag.state
    evidence = flag.evidence or {}
    if running_extension is not None and state not in (S.DECIDED, S.DISMISSED):
        return _("Land-use extension until %(date)s: the project is lawful while it runs; check that the land is "
                 "in use when it ends.") % {"date": running_extension.end.strftime("%d/%m/%Y")}
    if not flag.ground and state in ({S.REVOCATION_PROPOSED} | RECOVERY_STATES):
        return _("Revocation was proposed, but the finding is no longer a legal ground for it: review the flag again.")
    if evidence.get("clock_state") == "extended" or state == S.EXTENDED:
        end = evidence.get("extension_end")
        if end:
            return _("Land-use extension until %(date)s: the project is lawful while it runs; check that the land is "
                     "in use when it ends.") % {"date": date.fromisoformat(end).strftime("%d/%m/%Y")}
        return _("Land-use extension granted; check that the land is in use when it ends.")
    if state == S.REVOCATION_PROPOSED:
        return _("The department proposes that the provincial People's Committee %(action)s.") % {"action": _revocation(flag)}
    if state in RECOVERY_STATES:
        return _("Land recovery under way (Decree 102/2024, Art. 32): %(state)s.") % {"state": flag.get_state_display()}
    if state == S.DECIDED:
        return _("Decision recorded; follow up its enforcement.")
    if state == S.DISMISSED:
        return _("Dismissed after review; no action.")
    if state == S.INSPECTED:
        if flag.ground:
            return _("Verified by inspection; the department will propose that the provincial People's Committee "
                     "%(action)s.") % {"action": _revocation(flag)}
        if flag.rule.code in CLOCK_RULES and flag.severity == "critical":
            return _("Verified by inspection; send a violation notice: the investor may ask within 15 days for one "
                     "land-use extension of up to 24 months (Land Law 2024, Art. 81(8)).")
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
    flags = list(queryset)
    # Whether an extension runs, for every project of the report at once (a fixed number of queries).
    facts = load_facts(today, sorted({flag.project_id for flag in flags})) if flags else {}
    running = {pk: extension_running(project_facts, today) for pk, (_code, project_facts, _next) in facts.items()}
    rows = []
    for number, flag in enumerate(flags, start=1):
        rows.append(WatchlistRow(
            number=number,
            flag=flag,
            evidence=describe(flag.rule.code, flag.evidence, today),
            state=flag.get_state_display(),
            last_step=flag.ordered_steps[0] if flag.ordered_steps else None,
            proposal=proposed_action(flag, running.get(flag.project_id)),
        ))
    return rows
