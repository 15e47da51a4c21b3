"""Pages for investors, projects and the records of a project; every object is fetched for the user."""
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from projects import forms, services
from projects.exports import INVESTOR_COLUMNS, PROJECT_COLUMNS
from projects.models import (
    AnnualTarget,
    CapitalReport,
    Document,
    Flag,
    ForceMajeurePeriod,
    Investor,
    LandUseExtension,
    Project,
    ReviewStep,
    ScanFailure,
    ScheduleAdjustment,
    TransferRequest,
    UnreachableRecord,
    ViolationNotice,
    WarningLetter,
)
from projects.selectors import project_deadlines, investor_get, investor_list, investor_projects, project_get, project_list
from tracker import access
from tracker.generic import ConfirmDeleteView, ExportView, FilteredListView, ServiceFormView, autocomplete_response
from tracker.history import Entry, created_and_changed, object_history


class ProjectListView(FilteredListView):
    model = Project
    template_name = "projects/project_list.html"
    list_selector = staticmethod(project_list)
    export_url_name = "projects:export"
    title = _("Secondary projects")


def _record_permissions(user) -> dict:
    return {
        "can_change": access.can(user, Project, "change"),
        "can_add_record": access.can(user, CapitalReport, "add"),
        "can_change_record": access.can(user, CapitalReport, "change"),
        "can_delete_record": access.can(user, CapitalReport, "delete"),
        "can_add_document": access.can(user, Document, "add"),
        "can_delete_document": access.can(user, Document, "delete"),
    }


def project_detail(request, pk: int):
    project = project_get(pk=pk, user=request.user)
    created, changed = created_and_changed(project)
    flags = access.restrict(Flag.objects.select_related("rule"), request.user, "view").filter(project=project)
    context = {
        "project": project,
        "deadlines": project_deadlines(project),
        "created": created,
        "changed": changed,
        "flags": flags.order_by("cleared_at", "-since"),
        "status_changes": project.status_changes.order_by("-effective_on", "-recorded_at", "-pk"),
        "warning_letters": project.warning_letters.select_related("rule", "sent_by"),
    }
    context.update(_record_permissions(request.user))
    if context["can_change"]:  # who can correct the data is told the last scan could not evaluate it
        context["scan_failure"] = ScanFailure.objects.filter(project=project).first()
    context["tab"] = "detail"
    return render(request, "projects/project_detail.html", context)


# The records kept about a project: the kind in the URL, the model, the form, and how the record is named.
RECORD_KINDS = {
    "reports": (CapitalReport, forms.CapitalReportForm, _("capital report")),
    "adjustments": (ScheduleAdjustment, forms.ScheduleAdjustmentForm, _("schedule adjustment")),
    "extensions": (LandUseExtension, forms.LandUseExtensionForm, _("land-use extension")),
    "force-majeure": (ForceMajeurePeriod, forms.ForceMajeurePeriodForm, _("force-majeure period")),
    "notices": (ViolationNotice, forms.ViolationNoticeForm, _("violation notice")),
    "transfers": (TransferRequest, forms.TransferRequestForm, _("transfer request")),
    "unreachable": (UnreachableRecord, forms.UnreachableRecordForm, _("investor unreachable")),
}
# An adjustment decision moves the project's deadlines when it is recorded; it is not edited or deleted afterwards.
EDITABLE_KINDS = {"reports", "extensions", "force-majeure", "notices", "transfers", "unreachable"}


def review_entries(project: Project, user) -> list[Entry]:
    """The watchlist review steps on the project's flags, as history entries."""
    steps = access.restrict(ReviewStep.objects.all(), user, "view").filter(flag__project=project)
    return [
        Entry(
            when=step.created_at,
            user=step.user.get_username(),
            kind="~",
            subject=f"{capfirst(str(_('flag')))} {step.flag.rule.code} · {step.get_action_display()}",
            reason=step.note,
            changes=[(str(_("Review state")), step.get_from_state_display(), step.get_to_state_display())],
        )
        for step in steps.select_related("user", "flag__rule")
    ]


def project_history(request, pk: int):
    project = project_get(pk=pk, user=request.user)
    related = [
        (model.history.filter(project_id=project.pk), lambda r, label=label: f"{capfirst(str(label))} · {r.instance}")
        for model, _form, label in RECORD_KINDS.values()
    ]
    related.append((WarningLetter.history.filter(project_id=project.pk),
                    lambda r: f"{capfirst(str(_('warning letter')))} · {r.instance}"))
    entries = object_history(project, related) + review_entries(project, request.user)
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return render(request, "projects/project_history.html", {"project": project, "entries": entries, "tab": "history"})


class ProjectCreateView(ServiceFormView):
    model = Project
    form_class = forms.ProjectForm
    title = _("New secondary project")
    success_message = _("Saved project %(object)s.")

    def get_initial(self):
        initial = super().get_initial()
        for key in ("cluster", "investor"):  # the code (the tax code of an investor), as the field takes it
            if self.request.GET.get(key, "").strip():
                initial[key] = self.request.GET[key].strip()[:30]
        return initial

    def get_cancel_url(self):
        return reverse("projects:list")

    def save(self, form, fields, options):
        return services.project_create(**options, **fields, status_effective_on=form.cleaned_data.get("status_effective_on"))


class ProjectUpdateView(ServiceFormView):
    model = Project
    form_class = forms.ProjectForm
    title = _("Edit secondary project")
    success_message = _("Saved project %(object)s.")

    def get_object(self):
        queryset = Project.objects.select_related("cluster", "investor")
        return access.get_for_user(queryset, self.request.user, "change", pk=self.kwargs["pk"])

    def save(self, form, fields, options):
        return services.project_update(project=self.object, **options, **fields,
                                       status_effective_on=form.cleaned_data.get("status_effective_on"))


class InvestorListView(FilteredListView):
    model = Investor
    template_name = "projects/investor_list.html"
    list_selector = staticmethod(investor_list)
    export_url_name = "investors:export"
    title = _("Investors")


def investor_detail(request, pk: int):
    investor = investor_get(pk=pk, user=request.user)
    created, changed = created_and_changed(investor)
    return render(
        request,
        "projects/investor_detail.html",
        {
            "investor": investor,
            "projects": investor_projects(investor, request.user),
            "can_change": access.can(request.user, Investor, "change"),
            "created": created,
            "changed": changed,
            "tab": "detail",
        },
    )


def investor_history(request, pk: int):
    investor = investor_get(pk=pk, user=request.user)
    return render(
        request,
        "projects/investor_history.html",
        {"investor": investor, "entries": object_history(investor), "tab": "history"},
    )


class InvestorCreateView(ServiceFormView):
    model = Investor
    form_class = forms.InvestorForm
    title = _("New investor")
    success_message = _("Saved investor %(object)s.")

    def get_cancel_url(self):
        return reverse("investors:list")

    def save(self, form, fields, options):
        return services.investor_create(**options, **fields)


class InvestorUpdateView(ServiceFormView):
    model = Investor
    form_class = forms.InvestorForm
    title = _("Edit investor")
    success_message = _("Saved investor %(object)s.")

    def get_object(self):
        return access.get_for_user(Investor.objects.all(), self.request.user, "change", pk=self.kwargs["pk"])

    def save(self, form, fields, options):
        return services.investor_update(investor=self.object, **options, **fields)


class ProjectRecordMixin:
    """A record of a project: the project must be visible to the user, the record must belong to it."""

    action = "add"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["kind"] not in RECORD_KINDS or (self.action != "add" and kwargs["kind"] not in EDITABLE_KINDS):
            raise Http404
        self.project = access.get_for_user(
            Project.objects.select_related("cluster"), request.user, "view", pk=kwargs["pk"]
        )
        self.model, self.form_class, self.kind_label = RECORD_KINDS[kwargs["kind"]]
        access.require(request.user, self.model, self.action)
        return super().dispatch(request, *args, **kwargs)

    def get_record(self):
        queryset = access.restrict(self.model.objects.all(), self.request.user, self.action)
        return get_object_or_404(queryset, pk=self.kwargs["record_pk"], project=self.project)

    def project_url(self) -> str:
        return self.project.get_absolute_url() + "#" + self.kwargs["kind"]

    def get_cancel_url(self):
        return self.project_url()

    def get_success_url_for(self, saved):
        return self.project_url()

    def cancel_url(self, obj):
        return self.project_url()


class ProjectRecordCreateView(ProjectRecordMixin, ServiceFormView):
    success_message = _("Saved %(object)s.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"title": _("Add %(kind)s") % {"kind": self.kind_label}, "project": self.project})
        return context

    def save(self, form, fields, options):
        if self.model is ScheduleAdjustment:
            return services.schedule_adjustment_create(project=self.project, **options, **fields)
        return services.project_record_create(model=self.model, project=self.project, **options, **fields)


class ProjectRecordUpdateView(ProjectRecordMixin, ServiceFormView):
    action = "change"
    success_message = _("Saved %(object)s.")

    def get_object(self):
        return self.get_record()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"title": _("Edit %(kind)s") % {"kind": self.kind_label}, "project": self.project})
        return context

    def save(self, form, fields, options):
        return services.project_record_update(record=self.object, **options, **fields)


class ProjectRecordDeleteView(ProjectRecordMixin, ConfirmDeleteView):
    action = "delete"

    def get_object(self):
        return self.get_record()

    def delete(self, obj):
        services.project_record_delete(record=obj, user=self.request.user)
        return self.project_url()


class DocumentUploadView(ServiceFormView):
    model = Document
    form_class = forms.DocumentForm
    title = _("Upload a document")
    success_message = _("Uploaded %(object)s.")

    def dispatch(self, request, *args, **kwargs):
        self.project = access.get_for_user(Project.objects.all(), request.user, "view", pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["project"] = self.project
        return context

    def get_cancel_url(self):
        return self.project.get_absolute_url()

    def get_success_url_for(self, saved):
        return self.project.get_absolute_url() + "#documents"

    def save(self, form, fields, options):
        return services.document_create(project=self.project, user=options["user"], **fields)


def document_download(request, pk: int, document_pk: int):
    """Documents are served by the application (never from a public folder), to users who may see the project."""
    document = access.get_for_user(
        Document.objects.select_related("project"), request.user, "view", pk=document_pk, project_id=pk
    )
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    extension = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}.get(document.content_type, "")
    response = FileResponse(
        handle,
        content_type=document.content_type,
        as_attachment=request.GET.get("download") == "1",
        filename=f"{document.project.code}-{document.pk}{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


class DocumentDeleteView(ConfirmDeleteView):
    def get_object(self):
        return access.get_for_user(
            Document.objects.select_related("project"),
            self.request.user,
            "delete",
            pk=self.kwargs["document_pk"],
            project_id=self.kwargs["pk"],
        )

    def cancel_url(self, obj):
        return obj.project.get_absolute_url() + "#documents"

    def delete(self, obj):
        target = self.cancel_url(obj)
        services.document_delete(document=obj)
        return target


def target_list(request):
    access.require(request.user, AnnualTarget, "view")
    return render(
        request,
        "projects/target_list.html",
        {"targets": AnnualTarget.objects.order_by("-year"), "can_add": access.can(request.user, AnnualTarget, "add"),
         "can_change": access.can(request.user, AnnualTarget, "change")},
    )


def target_history(request, pk: int):
    target = access.get_for_user(AnnualTarget.objects.all(), request.user, "view", pk=pk)
    return render(request, "projects/target_history.html", {"target": target, "entries": object_history(target)})


class TargetCreateView(ServiceFormView):
    model = AnnualTarget
    form_class = forms.AnnualTargetForm
    title = _("New annual target")
    success_message = _("Saved the targets for %(object)s.")

    def get_initial(self):
        """The dashboard's link to set a year's targets names the year (`?year=2026`)."""
        initial = super().get_initial()
        year = self.request.GET.get("year", "")
        if self.object is None and year.isdigit() and len(year) == 4:
            initial["year"] = int(year)
        return initial

    def get_cancel_url(self):
        return reverse("targets:list")

    def get_success_url_for(self, saved):
        return reverse("targets:list")

    def save(self, form, fields, options):
        return services.target_save(target=AnnualTarget(), **options, **fields)


class TargetUpdateView(TargetCreateView):
    title = _("Edit annual target")

    def get_object(self):
        return access.get_for_user(AnnualTarget.objects.all(), self.request.user, "change", pk=self.kwargs["pk"])

    def save(self, form, fields, options):
        return services.target_save(target=self.object, **options, **fields)


class ProjectExportView(ExportView):
    model = Project
    list_selector = staticmethod(project_list)
    columns = PROJECT_COLUMNS
    filename = "du-an"


class InvestorExportView(ExportView):
    model = Investor
    list_selector = staticmethod(investor_list)
    columns = INVESTOR_COLUMNS
    filename = "nha-dau-tu"


def investor_label(investor) -> str:
    return f"{investor.tax_code} – {investor.name}"


def project_autocomplete(request):
    """The projects an autocomplete field offers (JSON): those the user may see (a commune officer: their communes'
    only), found by code or part of the name, as the cluster autocomplete."""
    access.require(request.user, Project, "view")
    projects = access.restrict(Project.objects.all(), request.user, "view")
    return autocomplete_response(request, projects, code_field="code", label=str)


def investor_autocomplete(request):
    """The investors an autocomplete field offers (JSON), found by tax code or part of the name. Investors are
    shared by every commune (Investor.commune_path is None): a commune officer records a project of an investor
    whose other projects are elsewhere, as the investor list already shows them every investor."""
    access.require(request.user, Investor, "view")
    investors = access.restrict(Investor.objects.all(), request.user, "view")
    return autocomplete_response(request, investors, code_field="tax_code", label=investor_label)
