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
def obstacle_period_sync(obstacle: Obstacle, *, user=None) -> None:
    """After a write made around the services (the admin): keep the obstacle's force-majeure period on its dates."""
    _sync_period(obstacle, user=user)


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


# The demo's obstacles (tracker's load_demo), every one marked sample data ("[MẪU]" in the title, is_sample): open,
# in progress, escalated and resolved ones, on a cluster or on a project, some past their target date, each with its
# dated actions. The resolved land clearance of DA-MAU-01 (operating since 2022) is turned into a force-majeure
# period on the project through the conversion above, so the demo shows a period with its obstacle as its basis; its
# dates lie before the project's clocks ran out, so the demo watchlist (docs/watchlist.md) finds what it found before.
DEMO_OBSTACLES = [
    # title, kind, cluster name, project code, agency, raised on, target date, status, resolved on, actions, convert
    ("[MẪU] Vướng giải phóng mặt bằng đường vào nhà máy", "land_clearance", "Xóm Rụt", "DA-MAU-01",
     "UBND xã Lương Sơn", (2021, 6, 10), (2021, 7, 15), "resolved", (2021, 7, 20),
     [((2021, 6, 18), "Họp với UBND xã và các hộ dân về phương án bồi thường phần đường vào."),
      ((2021, 7, 20), "UBND xã bàn giao xong mặt bằng đường vào cho nhà đầu tư.")], True),
    ("[MẪU] Nhà máy xử lý nước thải tập trung chưa hoàn thành", "wastewater", "Xóm Rụt", None,
     "Sở Nông nghiệp và Môi trường", (2025, 9, 15), (2026, 6, 30), "in_progress", None,
     [((2025, 10, 2), "Kiểm tra hiện trường; chủ đầu tư hạ tầng cam kết hoàn thành trong quý II/2026."),
      ((2026, 7, 10), "Văn bản đôn đốc chủ đầu tư hạ tầng đẩy nhanh tiến độ.")], False),
    ("[MẪU] Chưa đấu nối lưới điện trung thế cho xưởng may", "power_grid", "Thanh Nông", "DA-MAU-03",
     "Điện lực Lạc Thủy", (2026, 9, 1), (2026, 12, 31), "open", None,
     [((2026, 9, 12), "Đề nghị Điện lực khảo sát phương án đấu nối.")], False),
    ("[MẪU] Chậm thẩm định hồ sơ thiết kế nhà xưởng", "procedures", "Đồng Tâm I", "DA-MAU-12",
     "Sở Xây dựng", (2025, 3, 10), (2025, 6, 30), "escalated", None,
     [((2025, 4, 8), "Sở Công Thương có văn bản đề nghị Sở Xây dựng đẩy nhanh thẩm định."),
      ((2025, 8, 20), "Báo cáo UBND tỉnh xin ý kiến chỉ đạo.")], False),
    ("[MẪU] Đường vào cụm xuống cấp, xe tải nặng không đi được", "roads", "Tiên Tiến", None,
     "UBND phường Hòa Bình", (2026, 5, 20), None, "open", None, [], False),
]


def obstacle_demo_load(clusters: dict, user=None) -> int:
    """Create the demo's obstacles that are missing (looked up by their title), with their actions, and turn the one
    so marked into a force-majeure period; `clusters` maps a cluster's name to the cluster. Returns how many rows
    were created (obstacles, actions, periods)."""
    from datetime import date

    from projects.models import Project

    created = 0
    for (title, kind, cluster_name, project_code, agency, raised, target, status, resolved, actions,
         convert) in DEMO_OBSTACLES:
        if Obstacle.objects.filter(title=title, is_sample=True).exists():
            continue
        obstacle = obstacle_create(
            user=user, change_reason="Dữ liệu mẫu", title=title, kind=kind, cluster=clusters[cluster_name],
            project=Project.objects.get(code=project_code) if project_code else None, agency=agency,
            raised_on=date(*raised), target_date=date(*target) if target else None, status=status,
            resolved_on=date(*resolved) if resolved else None, is_sample=True,
            description="Số liệu mẫu, không phải số liệu chính thức.",
        )
        created += 1
        for taken_on, description in actions:
            obstacle_action_create(obstacle=obstacle, user=user, taken_on=date(*taken_on), description=description)
            created += 1
        if convert:
            obstacle_convert_to_force_majeure(obstacle=obstacle, user=user)
            created += 1
    return created
