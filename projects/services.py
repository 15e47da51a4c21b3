"""Writes for investors, projects and the records kept about a project."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.models import Cluster
from clusters.services import cluster_summary_refresh
from projects.models import (
    CapitalReport, Deadline, Document, Flag, Investor, Project, ProjectStatusChange, ScheduleAdjustment,
)
from projects.queue import queue_project_scan
from tracker.bulk import can_copy, copy_create_with_history, copy_update_with_history
from tracker.services import model_save


@transaction.atomic
def investor_create(*, user=None, change_reason: str = "", **fields) -> Investor:
    return model_save(Investor(), fields=fields, user=user, change_reason=change_reason)


@transaction.atomic
def investor_update(
    *, investor: Investor, user=None, change_reason: str = "", expected_version: int | None = None, **fields
) -> Investor:
    return model_save(
        investor, fields=fields, user=user, change_reason=change_reason, expected_version=expected_version
    )


def _lock_cluster(*cluster_ids) -> None:
    # Serialises land allocation in one cluster: two projects saved at once cannot both take the last hectares.
    list(Cluster.objects.select_for_update().filter(pk__in=cluster_ids).order_by("pk").values_list("pk"))


def _lock_project_and_clusters(project_id: int, *cluster_ids: int) -> set[int]:
    """Lock the project's cluster and `cluster_ids` (in pk order), then the project: the order every writer takes
    them, so two writers cannot deadlock. The stored cluster is read from the database, not the instance, which a
    form has already moved to the new one. Returns the clusters whose figures the write may change."""
    stored = Project.objects.filter(pk=project_id).values_list("cluster_id", flat=True).first()
    touched = {stored, *cluster_ids} - {None}
    _lock_cluster(*touched)
    current = Project.objects.select_for_update().filter(pk=project_id).values_list("cluster_id", flat=True).first()
    if current is not None and current not in touched:
        _lock_cluster(current)  # moved by a writer that committed while we waited: its locks are gone
        touched.add(current)
    return touched


def status_date_error(effective_on, project_id: int | None) -> str | None:
    """Why a status cannot take effect on that day, or None: it must have come, and must not precede the status
    change last in force (the history must say which status is in force on every day)."""
    if effective_on is None:
        return None
    if effective_on > timezone.localdate():
        return _("A status cannot take effect in the future.")
    if project_id is not None:
        last = (ProjectStatusChange.objects.filter(project_id=project_id).order_by("-effective_on")
                .values_list("effective_on", flat=True).first())
        if last is not None and effective_on < last:
            return _("The last status change took effect on %(date)s; a new one cannot take effect before it.") % {
                "date": last.strftime("%d/%m/%Y")}
    return None


def _check_status_date(effective_on, project_id: int | None) -> None:
    error = status_date_error(effective_on, project_id)
    if error:
        raise ValidationError({"status_effective_on": error})


def project_status_record(*, project: Project, status: str, effective_on=None, user=None, decision_number: str = "",
                          note: str = "") -> ProjectStatusChange:
    """Add a dated entry to the status history and keep `status_since` (the day the status in force took effect).
    Call inside the transaction that changed the status."""
    effective_on = effective_on or timezone.localdate()
    change = ProjectStatusChange(project=project, status=status, effective_on=effective_on,
                                 decision_number=decision_number[:50], note=note)
    if user is not None and getattr(user, "is_authenticated", False):
        change._history_user = user
    change.save()
    Project.objects.filter(pk=project.pk).update(status_since=effective_on)
    project.status_since = effective_on
    return change


@transaction.atomic
def project_create(*, user=None, change_reason: str = "", status_effective_on=None, **fields) -> Project:
    _check_status_date(status_effective_on, None)
    cluster = fields.get("cluster")
    if cluster is not None:
        _lock_cluster(cluster.pk)
    project = model_save(Project(), fields=fields, user=user, change_reason=change_reason)
    project_status_record(project=project, status=project.status, effective_on=status_effective_on, user=user)
    cluster_summary_refresh([project.cluster_id])
    queue_project_scan(project.pk)
    return project


@transaction.atomic
def project_update(
    *, project: Project, user=None, change_reason: str = "", expected_version: int | None = None,
    status_effective_on=None, status_decision_number: str = "", **fields
) -> Project:
    """Save a project; a change of status is added to its dated status history, effective on
    `status_effective_on` (default today)."""
    cluster = fields.get("cluster", project.cluster)
    touched = _lock_project_and_clusters(project.pk, cluster.pk)
    stored_status, stored_code, stored_cluster = Project.objects.filter(pk=project.pk).values_list(
        "status", "code", "cluster_id").first()
    new_status = fields.get("status", project.status)
    if new_status != stored_status:
        _check_status_date(status_effective_on, project.pk)
    project = model_save(
        project, fields=fields, user=user, change_reason=change_reason, expected_version=expected_version
    )
    if project.status != stored_status:
        project_status_record(project=project, status=project.status, effective_on=status_effective_on, user=user,
                              decision_number=status_decision_number)
    if (project.code, project.cluster_id) != (stored_code, stored_cluster):
        project_keys_refresh([project.pk])
    cluster_summary_refresh(touched)
    queue_project_scan(project.pk)
    return project


def project_keys_refresh(project_ids) -> None:
    """Copy again what is copied of these projects for the watchlist's lists to sort and filter by: their code onto
    their flags (`Flag.project_code`, the watchlist's order) and onto their stored coming dates, with their cluster's
    commune (`Deadline.project_code` and `commune`, the coming-due list): two UPDATEs. Call it inside the
    transaction of any write that changes a project's code or cluster (the project services, the import, the admin);
    a cluster whose commune changes has `clusters.services.cluster_deadlines_refresh`."""
    ids = list(project_ids)
    project = Project.objects.filter(pk=OuterRef("project_id"))
    code = Subquery(project.values("code")[:1])
    Flag.objects.filter(project_id__in=ids).update(project_code=code)
    Deadline.objects.filter(project_id__in=ids).update(
        project_code=code, commune_id=Subquery(project.values("cluster__commune_id")[:1]))


def lock_clusters(cluster_ids) -> None:
    """Lock several clusters at once, in a fixed order (no deadlock between two bulk writers)."""
    ids = sorted({pk for pk in cluster_ids if pk is not None})
    list(Cluster.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))


def _create_with_history(objs: list, model, user, reason) -> None:
    """New rows and their history rows: by COPY on PostgreSQL (tracker.bulk), else simple-history's bulk helper."""
    from simple_history.utils import bulk_create_with_history

    using = router.db_for_write(model)
    if can_copy(model, using):
        copy_create_with_history(objs, model, using=using, user=user, change_reason=reason)
    else:
        bulk_create_with_history(objs, model, batch_size=500, default_user=user, default_change_reason=reason)


@transaction.atomic
def project_bulk_save(
    *, investors: list, creates: list, updates: list, user=None, change_reason: str = ""
) -> None:
    """Write many projects (and their new investors) at once, with their history: for the import, which has locked
    the clusters (lock_clusters) and the projects it changes, and validated every object the way model_save does
    (tracker.services.full_clean, uniqueness and land against what it loaded). `updates` are (project, [changed
    field names]). A rescan of each project is queued, as after any write."""
    from simple_history.utils import bulk_update_with_history

    user = user if getattr(user, "is_authenticated", False) else None
    reason = change_reason[:100] or None
    touched = {project.cluster_id for project in creates} | {project.cluster_id for project, _changed in updates}
    touched |= set(Project.objects.filter(pk__in=[p.pk for p, _changed in updates]).values_list("cluster_id", flat=True))
    if investors:
        _create_with_history(investors, Investor, user, reason)
    # Updates first: a certificate number a project gives up in the file may be taken by a new one. The projects
    # whose number changes let go of it before any takes a new one (one UPDATE checks uniqueness row by row).
    moving = [project.pk for project, changed in updates if "irc_number" in changed]
    if moving:
        Project.objects.filter(pk__in=moving).update(irc_number=None)
    # The day each new status took effect (the column's date, else today), on the row itself as it is written: the
    # row, its history and its dated status history agree, and no second UPDATE of every new project is needed.
    today = timezone.localdate()
    changed_status = [*creates, *(project for project, changed in updates if "status" in changed)]
    for project in changed_status:
        project.status_since = getattr(project, "_status_effective_on", None) or today
    if updates:
        now = timezone.now()
        fields = {"version", "updated_at"}
        if any("status" in changed for _project, changed in updates):
            fields.add("status_since")
        for project, changed in updates:
            project.investor = project.investor  # a new investor has its id now
            project.version += 1
            project.updated_at = now
            fields.update(changed)
        names = sorted(Project._meta.get_field(name).name for name in fields)
        changed_projects = [project for project, _changed in updates]
        using = router.db_for_write(Project)
        if can_copy(Project, using):  # the history rows by COPY (tracker.bulk), the rows by unnest
            copy_update_with_history(changed_projects, Project, names, using=using, user=user, change_reason=reason)
        else:
            bulk_update_with_history(changed_projects, Project, names, batch_size=500, default_user=user,
                                     default_change_reason=reason)
    for project in creates:
        project.investor = project.investor
    if creates:
        _create_with_history(creates, Project, user, reason)
    # The dated status history: every new project, and every project whose status the file changes.
    if changed_status:
        _create_with_history(
            [ProjectStatusChange(project=p, status=p.status, effective_on=p.status_since) for p in changed_status],
            ProjectStatusChange, user, reason,
        )
    moved = [project.pk for project, changed in updates if {"code", "cluster"} & set(changed)]
    if moved:
        project_keys_refresh(moved)
    cluster_summary_refresh(touched)
    for project in [*creates, *(project for project, _changed in updates)]:
        queue_project_scan(project.pk)


@transaction.atomic
def project_refresh_implemented(project_id: int) -> None:
    """Copy the latest capital report's implemented capital onto the project (a derived column, never typed), and
    into its cluster's summary."""
    # Two reports saved at once refresh one after the other, each seeing the other.
    touched = _lock_project_and_clusters(project_id)
    latest = (
        CapitalReport.objects.filter(project_id=project_id).order_by("-period_end", "-pk")
        .values_list("implemented_capital_vnd", flat=True).first()
    )
    Project.objects.filter(pk=project_id).update(latest_implemented_vnd=latest)
    cluster_summary_refresh(touched)


@transaction.atomic
def project_record_changed(model, project_id: int) -> None:
    """What follows any write to a project's record, through a service or the admin: derived capital, rescan."""
    if model is CapitalReport:
        project_refresh_implemented(project_id)
    queue_project_scan(project_id)


@transaction.atomic
def project_record_create(*, model, project: Project, user=None, change_reason: str = "", **fields):
    """Create a record that belongs to one project (capital report, extension, force-majeure period, ...)."""
    record = model_save(model(project=project), fields=fields, user=user, change_reason=change_reason)
    project_record_changed(model, project.pk)
    return record


@transaction.atomic
def project_record_update(*, record, user=None, change_reason: str = "", **fields):
    record = model_save(record, fields=fields, user=user, change_reason=change_reason)
    project_record_changed(type(record), record.project_id)
    return record


@transaction.atomic
def project_record_delete(*, record, user=None, change_reason: str = "") -> None:
    if user is not None and getattr(user, "is_authenticated", False):
        record._history_user = user
    if change_reason:
        record._change_reason = change_reason
    project_id = record.project_id
    record.delete()
    project_record_changed(type(record), project_id)


@transaction.atomic
def schedule_adjustment_create(*, project: Project, user=None, change_reason: str = "", **fields) -> ScheduleAdjustment:
    """Record the adjustment decision and move the project's deadlines to the new ones it sets; the adjustment
    keeps the deadlines it replaced, so the deadlines in force on any date can be told (watchlist scans)."""
    latest = (ScheduleAdjustment.objects.filter(project=project).order_by("-decision_date")
              .values_list("decision_date", flat=True).first())
    decided = fields.get("decision_date")
    if latest is not None and decided is not None and decided < latest:
        # Each adjustment keeps the deadlines it replaced; recorded out of order, the deadlines in force on a past
        # date could no longer be told.
        raise ValidationError({"decision_date": _(
            "The latest schedule adjustment was decided on %(date)s; record the adjustments in the order they were "
            "decided."
        ) % {"date": latest.strftime("%d/%m/%Y")}})
    stored = Project.objects.filter(pk=project.pk).values(
        "construction_start_deadline", "construction_completion_deadline", "operation_deadline"
    ).get()
    fields = {**fields, **{f"previous_{name}": value for name, value in stored.items()}}
    adjustment = model_save(ScheduleAdjustment(project=project), fields=fields, user=user, change_reason=change_reason)
    new_deadlines = {
        "construction_start_deadline": adjustment.new_construction_start_deadline,
        "construction_completion_deadline": adjustment.new_construction_completion_deadline,
        "operation_deadline": adjustment.new_operation_deadline,
    }
    changed = {name: value for name, value in new_deadlines.items() if value is not None}
    if changed:
        try:
            project_update(
                project=project,
                user=user,
                change_reason=change_reason or _("Schedule adjustment %(number)s") % {"number": adjustment.decision_number},
                **changed,
            )
        except ValidationError as exc:
            # Report the project's refusal against the adjustment's own fields.
            field_map = {
                "construction_start_deadline": "new_construction_start_deadline",
                "construction_completion_deadline": "new_construction_completion_deadline",
                "operation_deadline": "new_operation_deadline",
            }
            raise ValidationError(
                {field_map.get(field, "__all__"): errors for field, errors in exc.message_dict.items()}
            ) from exc
    return adjustment


# Magic numbers of the file types the department files: PDF scans and photos of signed papers.
_SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}


def sniff_content_type(head: bytes) -> str | None:
    for signature, content_type in _SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    return None


def document_check(file, field: str = "file") -> str:
    """The real content type of an uploaded PDF or image (read from its bytes, not its name), within the size cap."""
    if file.size > settings.DOCUMENT_MAX_BYTES:
        raise ValidationError(
            {field: _("The file is larger than %(mb)s MB.") % {"mb": settings.DOCUMENT_MAX_BYTES // (1024 * 1024)}}
        )
    if file.size == 0:
        raise ValidationError({field: _("The file is empty.")})
    file.seek(0)
    content_type = sniff_content_type(file.read(16))
    file.seek(0)
    if content_type is None:
        raise ValidationError({field: _("Only PDF, PNG or JPEG files can be uploaded.")})
    return content_type


@transaction.atomic
def document_create(*, project: Project, file, title: str, kind: str, user=None) -> Document:
    """Store an uploaded PDF or image after checking its real content (not its name) and its size."""
    content_type = document_check(file)
    document = Document(
        project=project,
        file=file,
        title=title,
        kind=kind,
        content_type=content_type,
        size_bytes=file.size,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    document.full_clean()
    document.save()
    return document


@transaction.atomic
def document_delete(*, document: Document) -> None:
    storage, name = document.file.storage, document.file.name
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def target_save(*, target, user=None, change_reason: str = "", **fields):
    """Create or change the year's targets (leadership); every change is in the target's history."""
    return model_save(target, fields=fields, user=user, change_reason=change_reason)
