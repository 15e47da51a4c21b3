"""Import pages: upload → preview (what will be created, updated, left alone, and every error) → confirm."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from clusters.models import Cluster
from projects.imports.forms import ImportConfirmForm, ImportUploadForm
from projects.imports.selectors import import_progress
from projects.imports.services import import_job_check, import_job_confirm, import_job_create, import_job_fail_if_dead
from projects.imports.template import build_template
from projects.models import CapitalReport, ImportJob, Project
from tracker import access

PAGE_SIZE = 50
TABS = ("errors", "create", "update", "unchanged")


def _require_import(user) -> None:
    """Importing needs the right to add or change at least one kind of record the template holds."""
    if not any(access.can(user, model, action) for model in (Cluster, Project, CapitalReport) for action in ("add", "change")):
        raise PermissionDenied


def _job_for(request, pk: int) -> ImportJob:
    """The user's own job, failed first if it is running past its deadline (its worker died)."""
    _require_import(request.user)
    job = ImportJob.objects.filter(pk=pk, user=request.user).first()
    if job is None:
        raise Http404
    return import_job_fail_if_dead(job)


def import_start(request):
    _require_import(request.user)
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            job = import_job_create(
                user=request.user, upload=form.cleaned_data["file"], csv_kind=form.cleaned_data["csv_kind"]
            )
            import_job_check(job)
            return redirect(job)
    else:
        form = ImportUploadForm(user=request.user)
    jobs = ImportJob.objects.filter(user=request.user)[:10]
    return render(request, "projects/imports/import_start.html", {"form": form, "jobs": jobs})


def import_template(request):
    _require_import(request.user)
    response = HttpResponse(
        build_template(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-du-lieu.xlsx"'
    return response


def import_detail(request, pk: int):
    job = _job_for(request, pk)
    result = job.result or {}
    counts = result.get("counts", {})
    errors = result.get("errors", [])
    tab = request.GET.get("show")
    if tab not in TABS:
        tab = "errors" if errors else next((name for name in ("update", "create", "unchanged") if counts.get(name)), "create")
    items = errors if tab == "errors" else [row for row in result.get("rows", []) if row["action"] == tab]
    paginator = Paginator(items, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    done, total = import_progress(job) if job.running else (0, 0)
    return render(
        request,
        "projects/imports/import_detail.html",
        {
            "job": job,
            "result": result,
            "counts": counts,
            "error_count": len(errors),
            "tab": tab,
            "page_obj": page,
            "paginator": paginator,
            "page_sizes": (PAGE_SIZE,),
            "done": done,
            "total": total,
            "confirm_form": ImportConfirmForm(initial={"change_reason": _("Imported from %(file)s") % {"file": job.filename}})
            if job.status == ImportJob.Status.READY
            else None,
            "multiple_sheets": len({item.get("sheet") for item in [*errors, *result.get("rows", [])]}) > 1,
        },
    )


def import_progress_fragment(request, pk: int):
    """The progress bar, polled by htmx; once the job has finished, the whole page reloads to show the outcome."""
    job = _job_for(request, pk)
    done, total = import_progress(job) if job.running else (job.total_rows, job.total_rows)
    response = render(request, "projects/imports/includes/import_progress.html", {"job": job, "done": done, "total": total})
    if not job.running:
        response["HX-Refresh"] = "true"
    return response


def import_confirm(request, pk: int):
    if request.method != "POST":
        return import_detail(request, pk)  # the preview, with its confirmation form
    job = _job_for(request, pk)
    form = ImportConfirmForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("The reason is too long (at most 100 characters)."))
        return redirect(job)
    if not import_job_confirm(job, change_reason=form.cleaned_data["change_reason"] or _("Imported from %(file)s") % {"file": job.filename}):
        messages.warning(request, _("This import is not waiting for confirmation any more."))
    return redirect(job)
