"""The review of a flag (docs/watchlist.md): the steps leadership and staff can record, which state each leads to,
who may take it. A flag is never a verdict; these steps are the decision, each stored with user, time and note.

Revocation is proposed only on a flag whose finding is a legal ground (`Flag.ground`, from the rule's
declaration in `rules.GROUNDS`), and never while a land-use extension of the project runs. A land recovery then
follows Decree 102/2024 Art. 32, each step with its due date (`recovery_next`)."""
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from django.utils import timezone

from projects.models import Flag, LandUseExtension, Project, ReviewStep
from projects.queue import queue_project_scan
from projects.services import document_check, project_update
from projects.watchlist import rules
from projects.watchlist.scans import load_facts
from tracker import access
from tracker.services import full_clean

A, S = ReviewStep.Action, Flag.State
OPEN_STATES = {S.NEW, S.ASSIGNED, S.EXPLANATION_REQUESTED, S.INSPECTED, S.EXTENDED}
RECOVERY_STATES = {S.RECOVERY_FILED, S.RECOVERY_NOTIFIED, S.ASSETS_HANDLED}
WORK = "projects.work_flag"
DECIDE = "projects.decide_flag"
# The clock of Land Law 2024 Art. 81(8) each rule watches: its one extension is granted from its flag.
EXTENDABLE_RULES = {"LAND_UNUSED_12M": LandUseExtension.Clock.UNUSED, "LAND_DELAY_24M": LandUseExtension.Clock.DELAY}
RECOVERY_ACTIONS = {A.RECOVERY_FILE, A.RECOVERY_NOTICE, A.RECOVERY_ASSETS}
# Every step towards a revocation checks again that the flag is a ground and that no extension runs.
REVOCATION_ACTIONS = {A.PROPOSE_REVOCATION, A.RECORD_DECISION} | RECOVERY_ACTIONS
# Decree 102/2024 Art. 32: the land agency's file within 30 days (counted here from the proposal), the notice
# within 10 days of the file, up to 45 days for the assets on the land, the decision within 15 days after that.
RECOVERY_SCHEDULE = (
    (A.PROPOSE_REVOCATION, A.RECOVERY_FILE, 30),
    (A.RECOVERY_FILE, A.RECOVERY_NOTICE, 10),
    (A.RECOVERY_NOTICE, A.RECOVERY_ASSETS, 45),
    (A.RECOVERY_ASSETS, A.RECORD_DECISION, 15),
)


@dataclass(frozen=True)
class Step:
    action: str
    allowed_from: frozenset
    to_state: str
    permission: str
    required: tuple = ()  # fields the step must carry


STEPS = {
    A.ASSIGN: Step(A.ASSIGN, frozenset(OPEN_STATES - {S.EXTENDED}), S.ASSIGNED, DECIDE, ("assignee",)),
    A.REQUEST_EXPLANATION: Step(
        A.REQUEST_EXPLANATION, frozenset(OPEN_STATES - {S.EXTENDED}), S.EXPLANATION_REQUESTED, WORK,
        ("letter_number", "letter_date", "due_date"),
    ),
    A.RECORD_INSPECTION: Step(A.RECORD_INSPECTION, frozenset(OPEN_STATES), S.INSPECTED, WORK, ("letter_date", "note")),
    A.GRANT_EXTENSION: Step(
        A.GRANT_EXTENSION, frozenset(OPEN_STATES - {S.EXTENDED}), S.EXTENDED, DECIDE,
        ("letter_number", "letter_date", "months", "due_date"),
    ),
    A.PROPOSE_REVOCATION: Step(
        A.PROPOSE_REVOCATION, frozenset(OPEN_STATES), S.REVOCATION_PROPOSED, DECIDE, ("note",)
    ),
    A.RECOVERY_FILE: Step(
        A.RECOVERY_FILE, frozenset({S.REVOCATION_PROPOSED}), S.RECOVERY_FILED, WORK, ("letter_number", "letter_date")
    ),
    A.RECOVERY_NOTICE: Step(
        A.RECOVERY_NOTICE, frozenset({S.RECOVERY_FILED}), S.RECOVERY_NOTIFIED, WORK, ("letter_number", "letter_date")
    ),
    A.RECOVERY_ASSETS: Step(
        A.RECOVERY_ASSETS, frozenset({S.RECOVERY_NOTIFIED}), S.ASSETS_HANDLED, WORK, ("letter_date", "note")
    ),
    A.RECORD_DECISION: Step(
        A.RECORD_DECISION, frozenset({S.REVOCATION_PROPOSED} | RECOVERY_STATES), S.DECIDED, DECIDE,
        ("letter_number", "letter_date"),
    ),
    A.DISMISS: Step(
        A.DISMISS, frozenset(OPEN_STATES | {S.REVOCATION_PROPOSED} | RECOVERY_STATES), S.DISMISSED, DECIDE, ("note",)
    ),
}


def assignable_users(flag: Flag):
    """Who a flag can be assigned to: staff and leadership, and the commune officers of the flag's commune."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    commune_id = flag.project.cluster.commune_id
    return (
        get_user_model().objects.filter(is_active=True)
        .filter(Q(groups__name__in=["staff", "leadership"]) | Q(groups__name="commune_officer", access_scope__communes=commune_id))
        .distinct()
        .order_by("username")
    )


def project_facts(project_id: int, as_of=None) -> rules.Facts:
    """The project's facts today (or on a date), as the scan reads them."""
    as_of = as_of or timezone.localdate()
    return load_facts(as_of, [project_id])[project_id][1]


def extension_running(project_id: int, as_of=None):
    """The land-use extension running on the date (decided, not yet run out), if any: the project is lawful."""
    as_of = as_of or timezone.localdate()
    return rules.extension_running(project_facts(project_id, as_of), as_of)


def _may_extend(flag: Flag) -> bool:
    """One extension per clock, granted once the clock has been reached (month 13 or month 25: a critical flag),
    never a second one for the same clock: the law allows one."""
    clock = EXTENDABLE_RULES.get(flag.rule.code)
    return (
        clock is not None
        and flag.severity == "critical"
        and not LandUseExtension.objects.filter(project_id=flag.project_id, clock=clock).exists()
    )


def may_propose_revocation(flag: Flag) -> str | None:
    """None when revocation may be proposed on the flag, else why not (in words)."""
    if not flag.ground:
        return _("“%(rule)s” is not a legal ground for revocation: it leads to an explanation, an inspection or an "
                 "extension, not to a revocation.") % {"rule": flag.rule.name or flag.rule.code}
    extension = extension_running(flag.project_id)
    if extension is not None:
        return _("A land-use extension runs until %(date)s: the project is lawful while it runs and cannot be "
                 "proposed for revocation.") % {"date": extension.end.strftime("%d/%m/%Y")}
    return None


def allowed_steps(flag: Flag, user) -> list[str]:
    """The steps this user may take on this flag now."""
    if flag.cleared_at is not None:
        return []
    steps, refusal = [], ...  # why no revocation step, read from the facts once and only when needed
    for action, step in STEPS.items():
        if flag.state not in step.allowed_from or not user.has_perm(step.permission):
            continue
        if action == A.GRANT_EXTENSION and not _may_extend(flag):
            continue
        if action in REVOCATION_ACTIONS:
            if refusal is ...:
                refusal = may_propose_revocation(flag)
            if refusal is not None:
                continue  # a ground lost since the proposal, or an extension granted since: no revocation step
        if action in RECOVERY_ACTIONS and flag.ground != "recovery":
            continue
        steps.append(action)
    return steps


def _step_day(step: ReviewStep):
    return step.letter_date or timezone.localtime(step.created_at).date()


def recovery_next(flag: Flag, steps=None, today=None) -> dict | None:
    """After a proposal: the next step of the recovery (Decree 102/2024 Art. 32), its due date and how late it is."""
    if flag.ground != "recovery" or flag.state not in ({S.REVOCATION_PROPOSED} | RECOVERY_STATES):
        return None
    today = today or timezone.localdate()
    steps = list(steps if steps is not None else flag.steps.all())
    done = {step.action: step for step in sorted(steps, key=lambda step: step.created_at)}
    for previous, following, days in reversed(RECOVERY_SCHEDULE):
        if previous in done:
            due = _step_day(done[previous]) + timedelta(days=days)
            return {"action": following, "label": A(following).label, "due": due,
                    "overdue_days": max(0, (today - due).days)}
    return None


def extension_period(flag: Flag, months: int, *, from_inspection: bool = False, decision_date=None):
    """The extension's first and last day. It starts on the day the clock was reached (the first day of month 13
    after handover, or of month 25 after the completion deadline); when the breach was found at an inspection, on
    the decision, which must be issued within 30 days of the inspection report. At most 24 months."""
    if not 1 <= months <= LandUseExtension.MAX_MONTHS:
        raise ValidationError({"months": _("An extension lasts from 1 to 24 months.")})
    if from_inspection:
        inspection = (flag.steps.filter(action=A.RECORD_INSPECTION, letter_date__isnull=False)
                      .order_by("-letter_date").values_list("letter_date", flat=True).first())
        if inspection is None:
            raise ValidationError({"from_inspection": _("Record the inspection and its report date first.")})
        if decision_date is None or not inspection <= decision_date <= inspection + timedelta(days=30):
            raise ValidationError({"letter_date": _(
                "After an inspection the extension is decided within 30 days of the inspection report (%(date)s)."
            ) % {"date": inspection.strftime("%d/%m/%Y")}})
        start = decision_date
    else:
        threshold = (flag.evidence or {}).get("threshold_date")
        start = date.fromisoformat(threshold) if threshold else flag.since
    return start, start + relativedelta(months=months) - timedelta(days=1)


@transaction.atomic
def review_step_record(*, flag: Flag, user, action: str, note: str = "", letter_number: str = "", letter_date=None,
                       due_date=None, assignee=None, months=None, payment_amount_vnd=None, document=None,
                       requested_on=None, from_inspection: bool = False) -> ReviewStep:
    """Record one step; refuses a step the state does not allow or the user may not take, server-side."""
    flag = Flag.objects.select_for_update().select_related("rule", "project__cluster").get(pk=flag.pk)
    if action not in STEPS:
        raise ValidationError(_("Unknown review step."))
    step = STEPS[action]
    if not access.restrict(Flag.objects.filter(pk=flag.pk), user, "view").exists():
        raise PermissionDenied
    if not user.has_perm(step.permission):
        raise PermissionDenied
    if action in REVOCATION_ACTIONS and flag.state in step.allowed_from:
        reason = may_propose_revocation(flag)
        if reason:
            raise ValidationError(reason)
    if action == A.GRANT_EXTENSION and flag.rule.code in EXTENDABLE_RULES and LandUseExtension.objects.filter(
        project_id=flag.project_id, clock=EXTENDABLE_RULES[flag.rule.code]
    ).exists():
        raise ValidationError(_("This project already has its land-use extension for this clock: the Land Law allows one."))
    if action not in allowed_steps(flag, user):
        raise ValidationError(
            _("“%(step)s” is not possible while the flag is “%(state)s”.")
            % {"step": A(action).label, "state": flag.get_state_display()}
        )
    values = {"note": note, "letter_number": letter_number, "letter_date": letter_date, "due_date": due_date,
              "assignee": assignee, "months": months}
    missing = {name: _("This step needs this field.") for name in step.required if values.get(name) in (None, "")}
    if missing:
        raise ValidationError(missing)
    if assignee is not None and not assignable_users(flag).filter(pk=assignee.pk).exists():
        raise ValidationError({"assignee": _("This person cannot see the flag's commune.")})
    if document is not None:
        document_check(document, field="document")

    review = ReviewStep(
        flag=flag, action=action, from_state=flag.state, to_state=step.to_state, user=user, note=note,
        letter_number=letter_number, letter_date=letter_date, due_date=due_date, assignee=assignee,
    )
    if document is not None:
        review.document = document
    if action == A.GRANT_EXTENSION:
        if requested_on is not None and letter_date is not None and requested_on > letter_date:
            raise ValidationError({"requested_on": _("The request cannot come after the decision.")})
        start, end = extension_period(flag, months, from_inspection=from_inspection, decision_date=letter_date)
        extension = LandUseExtension(
            project=flag.project, clock=EXTENDABLE_RULES[flag.rule.code], decision_number=letter_number,
            decision_date=letter_date, requested_on=requested_on, from_inspection=from_inspection,
            start_date=start, end_date=end, payment_due_date=due_date, payment_amount_vnd=payment_amount_vnd,
        )
        full_clean(extension)  # constraints in words, never by their names
        extension._history_user = user
        extension.save()
        review.extension = extension
        queue_project_scan(flag.project_id)
    if action == A.RECORD_DECISION:
        # The project is terminated and its land returns to the cluster's unleased land (derived, nothing to move);
        # a land recovery also marks the land recovered, so no clock of Decree 102/2024 Art. 35(2) runs.
        changes = {"status": Project.Status.TERMINATED}
        if flag.ground == "recovery":
            changes["land_recovered_on"] = letter_date
        try:
            project_update(
                project=Project.objects.get(pk=flag.project_id), user=user, status_effective_on=letter_date,
                status_decision_number=letter_number,
                change_reason=_("Decision %(number)s") % {"number": letter_number}, **changes,
            )
        except ValidationError as error:
            raise ValidationError({"letter_date": [m for messages in error.message_dict.values() for m in messages]}) from error
    full_clean(review)
    review.save()
    flag.state = step.to_state
    if action == A.ASSIGN:
        flag.assignee = assignee
    flag._history_user = user
    flag._change_reason = A(action).label[:100]
    flag.save(update_fields=["state", "assignee"])
    return review
