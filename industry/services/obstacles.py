"""Writes for obstacles: create, edit, the dated actions taken, and the one-step conversion of a State-caused
obstacle into a force-majeure period on its project (Decree 102/2024 Art. 31(1),(4); docs/watchlist.md)."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from industry.models import Obstacle, ObstacleAction
from projects.models import ForceMajeurePeriod
from projects.services import project_record_create, project_record_update
from tracker.services import model_save


def period_dates(obstacle: Obstacle, today=None) -> tuple:
    """The days the obstacle has blocked the land: from the day it was raised to the day it was resolved, or, while
    it is not resolved, to today (the day of the last write about it)."""
    today = today or timezone.localdate()
    return obstacle.raised_on, obstacle.resolved_on or max(today, obstacle.raised_on)


def _sync_period(obstacle: Obstacle, *, user=None, today=None) -> None:
    """Keep the force-majeure period an obstacle is the basis of on the obstacle's dates: every write about the
    obstacle (an edit, an action, its resolution) moves the period's ends, and the project is rescanned."""
    if obstacle.force_majeure_period_id is None:
        return
    period = ForceMajeurePeriod.objects.select_for_update().get(pk=obstacle.force_majeure_period_id)
    start, end = period_dates(obstacle, today)
    if (period.start_date, period.end_date) != (start, end):
        project_record_update(record=period, user=user, start_date=start, end_date=end,
                              change_reason=_("Obstacle dates changed"))


@transaction.atomic
def obstacle_create(*, user=None, change_reason: str = "", **fields) -> Obstacle:
    return model_save(Obstacle(), fields=fields, user=user, change_reason=change_reason)


@transaction.atomic
def obstacle_update(*, obstacle: Obstacle, user=None, change_reason: str = "", expected_version: int | None = None,
                    **fields) -> Obstacle:
    if obstacle.force_majeure_period_id is not None and "project" in fields:
        stored = Obstacle.objects.filter(pk=obstacle.pk).values_list("project_id", flat=True).get()
        project = fields["project"]
        if (project.pk if project else None) != stored:
            raise ValidationError({"project": _(
                "This obstacle is the basis of a force-majeure period on its project; the project cannot change.")})
    obstacle = model_save(obstacle, fields=fields, user=user, change_reason=change_reason,
                          expected_version=expected_version)
    _sync_period(obstacle, user=user)
    return obstacle


@transaction.atomic
def obstacle_action_create(*, obstacle: Obstacle, user=None, **fields) -> ObstacleAction:
    """Record a dated action on the obstacle; an open obstacle that is the basis of a force-majeure period keeps the
    period running to today."""
    recorded_by = user if getattr(user, "is_authenticated", False) else None
    action = model_save(ObstacleAction(obstacle=obstacle, recorded_by=recorded_by), fields=fields, user=user)
    # The obstacle itself changed (its history says when the last action was recorded).
    Obstacle.objects.filter(pk=obstacle.pk).update(updated_at=timezone.now())
    _sync_period(obstacle, user=user)
    return action


def conversion_error(obstacle: Obstacle) -> str | None:
    """Why the obstacle cannot become a force-majeure period, or None."""
    if obstacle.force_majeure_period_id is not None:
        return _("This obstacle is already the basis of a force-majeure period.")
    if obstacle.project_id is None:
        return _("Only an obstacle that holds back a project can become a force-majeure period on it; this one "
                 "names no project.")
    if obstacle.kind == Obstacle.Kind.CAPITAL:
        return _("A shortage of the investor's capital is not caused by the State: it cannot be force majeure.")
    return None


@transaction.atomic
def obstacle_convert_to_force_majeure(*, obstacle: Obstacle, user=None, today=None) -> ForceMajeurePeriod:
    """Turn an obstacle the State caused, which blocks the use of the project's land, into a force-majeure period on
    the project, in one step: the period is created through the project's record service (so the project is marked
    due for a rescan and its watchlist clocks pause for the period), with the obstacle as its basis."""
    # Two clicks at once: the second waits for the first and then finds the obstacle converted.
    locked = Obstacle.objects.select_for_update().get(pk=obstacle.pk)
    error = conversion_error(locked)
    if error:
        raise ValidationError(error)
    start, end = period_dates(locked, today)
    reason = _("Force majeure (Decree 102/2024 Art. 31(1),(4)) on the basis of obstacle no. %(number)s: %(title)s; "
               "responsible agency: %(agency)s.") % {"number": locked.pk, "title": locked.title, "agency": locked.agency}
    period = project_record_create(
        model=ForceMajeurePeriod, project=locked.project, user=user, start_date=start, end_date=end, reason=reason,
        change_reason=_("From an obstacle"),
    )
    model_save(locked, fields={"force_majeure_period": period}, user=user,
               change_reason=_("Turned into a force-majeure period"))
    obstacle.force_majeure_period = period
    obstacle.version = locked.version
    return period
