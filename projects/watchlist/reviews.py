"""The review of a flag (DESIGN.md §3): the steps leadership and staff can record, which state each leads to,
who may take it. A flag is never a verdict; these steps are the decision, each stored with user, time and note."""
from dataclasses import dataclass
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from projects.models import Flag, LandUseExtension, Project, ReviewStep
from projects.services import document_check, project_update
from tracker import access

A, S = ReviewStep.Action, Flag.State
OPEN_STATES = {S.NEW, S.ASSIGNED, S.EXPLANATION_REQUESTED, S.INSPECTED, S.EXTENDED}
WORK = "projects.work_flag"
DECIDE = "projects.decide_flag"
EXTENDABLE_RULES = {"LAND_UNUSED_12M", "LAND_DELAY_24M"}


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
    A.RECORD_DECISION: Step(
        A.RECORD_DECISION, frozenset({S.REVOCATION_PROPOSED}), S.DECIDED, DECIDE, ("letter_number", "letter_date")
    ),
    A.DISMISS: Step(A.DISMISS, frozenset(OPEN_STATES | {S.REVOCATION_PROPOSED}), S.DISMISSED, DECIDE, ("note",)),
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


def _may_extend(flag: Flag) -> bool:
    """One extension per clock, granted once the clock has run out (month 13 or month 25: a critical flag),
    never twice: together they could pass the 24 months the law allows."""
    return (
        flag.rule.code in EXTENDABLE_RULES
        and flag.severity == "critical"
        and not flag.steps.filter(action=A.GRANT_EXTENSION).exists()
    )


def allowed_steps(flag: Flag, user) -> list[str]:
    """The steps this user may take on this flag now."""
    if flag.cleared_at is not None:
        return []
    steps = []
    for action, step in STEPS.items():
        if flag.state not in step.allowed_from or not user.has_perm(step.permission):
            continue
        if action == A.GRANT_EXTENSION and not _may_extend(flag):
            continue
        steps.append(action)
    return steps


def extension_period(flag: Flag, months: int):
    """An extension runs from the day the legal clock ran out (month 13 after handover, or month 25 after the
    completion deadline: the flag's `since`) for at most 24 months; the end date is its last day."""
    if not 1 <= months <= LandUseExtension.MAX_MONTHS:
        raise ValidationError({"months": _("An extension lasts from 1 to 24 months.")})
    start = flag.since
    return start, start + relativedelta(months=months) - timedelta(days=1)


@transaction.atomic
def review_step_record(*, flag: Flag, user, action: str, note: str = "", letter_number: str = "", letter_date=None,
                       due_date=None, assignee=None, months=None, payment_amount_vnd=None, document=None) -> ReviewStep:
    """Record one step; refuses a step the state does not allow or the user may not take, server-side."""
    flag = Flag.objects.select_for_update().select_related("rule", "project__cluster").get(pk=flag.pk)
    if action not in STEPS:
        raise ValidationError(_("Unknown review step."))
    step = STEPS[action]
    if not access.restrict(Flag.objects.filter(pk=flag.pk), user, "view").exists():
        raise PermissionDenied
    if not user.has_perm(step.permission):
        raise PermissionDenied
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
        start, end = extension_period(flag, months)
        extension = LandUseExtension(
            project=flag.project, decision_number=letter_number, start_date=start, end_date=end,
            payment_due_date=due_date, payment_amount_vnd=payment_amount_vnd,
        )
        extension.full_clean()
        extension._history_user = user
        extension.save()
        review.extension = extension
    if action == A.RECORD_DECISION:
        # The project is terminated and its land returns to the cluster's unleased land (derived, nothing to move).
        project_update(
            project=Project.objects.get(pk=flag.project_id), user=user, status=Project.Status.TERMINATED,
            change_reason=_("Decision %(number)s") % {"number": letter_number},
        )
    review.full_clean()
    review.save()
    flag.state = step.to_state
    if action == A.ASSIGN:
        flag.assignee = assignee
    flag._history_user = user
    flag._change_reason = A(action).label[:100]
    flag.save(update_fields=["state", "assignee"])
    return review
