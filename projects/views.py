"""Pages for investors, projects and the records of a project."""
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects import forms, services
from projects.models import (
    CapitalReport,
    Document,
    ForceMajeurePeriod,
    Investor,
    LandUseExtension,
    Project,
    ScheduleAdjustment,
)
from projects.selectors import investor_get, investor_list, investor_projects, project_get, project_list
from tracker.generic import ConfirmDeleteView, FilteredListView, ServiceFormView


class ProjectListView(FilteredListView):
    template_name = "projects/project_list.html"
    list_selector = staticmethod(project_list)
    title = _("Secondary projects")


def project_detail(request, pk: int):
    project = project_get(pk=pk)
    today = timezone.localdate()
    deadlines = []
    for label, deadline, actual in (
        (_("Construction start"), project.construction_start_deadline, project.actual_construction_start),
        (_("Construction completion"), project.construction_completion_deadline, project.actual_completion),
        (_("Operation"), project.operation_deadline, project.actual_operation_start),
    ):
        late = bool(deadline and actual and actual > deadline)
        overdue = bool(deadline and not actual and deadline < today)
        deadlines.append({"label": label, "deadline": deadline, "actual": actual, "late": late, "overdue": overdue})
    return render(request, "projects/project_detail.html", {"project": project, "deadlines": deadlines})


class ProjectCreateView(ServiceFormView):
    form_class = forms.ProjectForm
    title = _("New secondary project")
    success_message = _("Saved project %(object)s.")

    def get_initial(self):
        initial = super().get_initial()
        for key in ("cluster", "investor"):
            if self.request.GET.get(key, "").isdigit():
                initial[key] = self.request.GET[key]
        return initial

    def get_cancel_url(self):
        return reverse("projects:list")

    def save(self, form, fields):
        return services.project_create(user=self.request.user, **fields)


class ProjectUpdateView(ServiceFormView):
    form_class = forms.ProjectForm
    title = _("Edit secondary project")
    success_message = _("Saved project %(object)s.")

    def get_object(self):
        return get_object_or_404(Project.objects.select_related("cluster", "investor"), pk=self.kwargs["pk"])

    def save(self, form, fields):
        return services.project_update(project=self.object, user=self.request.user, **fields)


class InvestorListView(FilteredListView):
    template_name = "projects/investor_list.html"
    list_selector = staticmethod(investor_list)
    title = _("Investors")


def investor_detail(request, pk: int):
    investor = investor_get(pk=pk)
    return render(
        request, "projects/investor_detail.html", {"investor": investor, "projects": investor_projects(investor)}
    )


class InvestorCreateView(ServiceFormView):
    form_class = forms.InvestorForm
    title = _("New investor")
    success_message = _("Saved investor %(object)s.")

    def get_cancel_url(self):
        return reverse("investors:list")

    def save(self, form, fields):
        return services.investor_create(user=self.request.user, **fields)


class InvestorUpdateView(ServiceFormView):
    form_class = forms.InvestorForm
    title = _("Edit investor")
    success_message = _("Saved investor %(object)s.")

    def get_object(self):
        return get_object_or_404(Investor, pk=self.kwargs["pk"])

    def save(self, form, fields):
        return services.investor_update(investor=self.object, user=self.request.user, **fields)


# The records kept about a project share one set of views; each kind is a line in RECORD_KINDS.
RECORD_KINDS = {
    "reports": (CapitalReport, forms.CapitalReportForm, _("capital report")),
    "adjustments": (ScheduleAdjustment, forms.ScheduleAdjustmentForm, _("schedule adjustment")),
    "extensions": (LandUseExtension, forms.LandUseExtensionForm, _("land-use extension")),
    "force-majeure": (ForceMajeurePeriod, forms.ForceMajeurePeriodForm, _("force-majeure period")),
}
EDITABLE_KINDS = {"reports", "extensions", "force-majeure"}


class ProjectRecordMixin:
    def dispatch(self, request, *args, **kwargs):
        if kwargs["kind"] not in RECORD_KINDS:
            raise Http404
        self.project = get_object_or_404(Project.objects.select_related("cluster"), pk=kwargs["pk"])
        self.model, self.form_class, self.kind_label = RECORD_KINDS[kwargs["kind"]]
        return super().dispatch(request, *args, **kwargs)

    def get_record(self):
        return get_object_or_404(self.model, pk=self.kwargs["record_pk"], project=self.project)

    def project_url(self) -> str:
        return self.project.get_absolute_url() + "#" + self.kwargs["kind"]


class ProjectRecordCreateView(ProjectRecordMixin, ServiceFormView):
    success_message = _("Saved %(object)s.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"title": _("Add %(kind)s") % {"kind": self.kind_label}, "project": self.project})
        return context

    def get_cancel_url(self):
        return self.project_url()

    def get_success_url_for(self, saved):
        return self.project_url()

    def save(self, form, fields):
        if self.model is ScheduleAdjustment:
            return services.schedule_adjustment_create(project=self.project, user=self.request.user, **fields)
        return services.project_record_create(model=self.model, project=self.project, user=self.request.user, **fields)


class ProjectRecordUpdateView(ProjectRecordMixin, ServiceFormView):
    success_message = _("Saved %(object)s.")

    def dispatch(self, request, *args, **kwargs):
        if kwargs["kind"] not in EDITABLE_KINDS:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        return self.get_record()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"title": _("Edit %(kind)s") % {"kind": self.kind_label}, "project": self.project})
        return context

    def get_cancel_url(self):
        return self.project_url()

    def get_success_url_for(self, saved):
        return self.project_url()

    def save(self, form, fields):
        return services.project_record_update(record=self.object, user=self.request.user, **fields)


class ProjectRecordDeleteView(ProjectRecordMixin, ConfirmDeleteView):
    def dispatch(self, request, *args, **kwargs):
        if kwargs["kind"] not in EDITABLE_KINDS:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        return self.get_record()

    def cancel_url(self, obj):
        return self.project_url()

    def delete(self, obj):
        services.project_record_delete(record=obj, user=self.request.user)
        return self.project_url()


class DocumentUploadView(ServiceFormView):
    form_class = forms.DocumentForm
    title = _("Upload a document")
    success_message = _("Uploaded %(object)s.")

    def dispatch(self, request, *args, **kwargs):
        self.project = get_object_or_404(Project, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["project"] = self.project
        return context

    def get_cancel_url(self):
        return self.project.get_absolute_url()

    def get_success_url_for(self, saved):
        return self.project.get_absolute_url() + "#documents"

    def save(self, form, fields):
        return services.document_create(project=self.project, user=self.request.user, **fields)


def document_download(request, pk: int, document_pk: int):
    """Documents are served by the application (never from a public folder), to users who may see the project."""
    document = get_object_or_404(Document.objects.select_related("project"), pk=document_pk, project_id=pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    extension = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}.get(document.content_type, "")
    return FileResponse(
        handle,
        content_type=document.content_type,
        as_attachment=request.GET.get("download") == "1",
        filename=f"{document.project.code}-{document.pk}{extension}",
    )


class DocumentDeleteView(ConfirmDeleteView):
    def get_object(self):
        return get_object_or_404(Document.objects.select_related("project"), pk=self.kwargs["document_pk"], project_id=self.kwargs["pk"])

    def cancel_url(self, obj):
        return obj.project.get_absolute_url() + "#documents"

    def delete(self, obj):
        target = self.cancel_url(obj)
        services.document_delete(document=obj)
        return target
