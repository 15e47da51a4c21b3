"""Pages for khuyến công schemes: the list and its export, a year against its approved plan, a scheme, the forms,
and the year's plan (leadership)."""
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from industry.forms.schemes import SchemeForm, SchemePlanForm
from industry.models import Scheme, SchemePlan
from industry.selectors.schemes import scheme_get, scheme_list, scheme_year, scheme_years
from industry.services.schemes import scheme_create, scheme_plan_save, scheme_update
from tracker import access
from tracker.dates import picked_year
from tracker.exports import Column
from tracker.generic import ExportView, FilteredListView, ServiceFormView
from tracker.history import created_and_changed, object_history
from tracker.numbers import vnd_to_billions

SCHEME_COLUMNS = [
    Column(_("Plan year"), "year", lambda s: s.year),
    Column(_("Scheme"), "name", lambda s: s.name),
    Column(_("Kind"), "kind", lambda s: s.get_kind_display()),
    Column(_("Approval decision no."), "decision_number", lambda s: s.decision_number),
    Column(_("Approved on"), "approved_on", lambda s: s.approved_on),
    Column(_("Beneficiary"), "beneficiary", lambda s: s.beneficiary),
    Column(_("Tax code"), "tax_code", lambda s: s.investor.tax_code if s.investor_id else ""),
    Column(_("Commune or ward"), "commune", lambda s: s.commune.name),
    Column(_("Province budget (billion VND)"), "province_budget", lambda s: vnd_to_billions(s.province_budget_vnd)),
    Column(_("Counterpart funds (billion VND)"), "counterpart", lambda s: vnd_to_billions(s.counterpart_vnd)),
    Column(_("Status"), "status", lambda s: s.get_status_display()),
    Column(_("Completed on"), "completed_on", lambda s: s.completed_on),
    Column(_("Result"), "result", lambda s: s.result),
]


class SchemeListView(FilteredListView):
    model = Scheme
    template_name = "industry/scheme_list.html"
    list_selector = staticmethod(scheme_list)
    export_url_name = "industry:scheme_export"
    title = _("Industry-promotion schemes")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["years"] = scheme_years(user=self.request.user)
        context["this_year"] = timezone.localdate().year
        return context


class SchemeExportView(ExportView):
    model = Scheme
    list_selector = staticmethod(scheme_list)
    filename = "khuyen-cong"
    columns = SCHEME_COLUMNS


def scheme_year_view(request, year: int):
    access.require(request.user, Scheme, "view")
    context = scheme_year(year=year, user=request.user)
    plan = context["plan"]
    totals = context["totals"]
    context.update({
        "years": scheme_years(user=request.user),
        "scoped": access.scoped_commune_ids(request.user) is not None,
        "can_add": access.can(request.user, Scheme, "add"),
        "can_set_plan": access.can(request.user, SchemePlan, "add" if plan is None else "change"),
        "export_url": reverse("industry:scheme_export") + f"?year={year}",
        "against_plan": None if plan is None else [
            (_("Schemes"), totals["n"], plan.schemes_planned, False),
            (_("Province budget (billion VND)"), totals["province"], plan.province_budget_vnd, True),
            (_("Counterpart funds (billion VND)"), totals["counterpart"], plan.counterpart_vnd, True),
        ],
    })
    return render(request, "industry/scheme_year.html", context)


def scheme_detail(request, pk: int):
    scheme = scheme_get(pk=pk, user=request.user)
    created, changed = created_and_changed(scheme)
    return render(request, "industry/scheme_detail.html", {
        "scheme": scheme, "created": created, "changed": changed, "entries": object_history(scheme),
        "can_change": access.restrict(Scheme.objects.filter(pk=pk), request.user, "change").exists(),
    })


class SchemeCreateView(ServiceFormView):
    model = Scheme
    form_class = SchemeForm
    title = _("New industry-promotion scheme")
    success_message = _("Saved scheme %(object)s.")

    def get_initial(self):
        initial = super().get_initial()
        initial["year"] = picked_year(self.request.GET.get("year"), default=timezone.localdate().year)
        return initial

    def get_cancel_url(self):
        return reverse("industry:scheme_list")

    def save(self, form, fields, options):
        return scheme_create(**options, **fields)


class SchemeUpdateView(ServiceFormView):
    model = Scheme
    form_class = SchemeForm
    title = _("Edit industry-promotion scheme")
    success_message = _("Saved scheme %(object)s.")

    def get_object(self):
        return access.get_for_user(Scheme.objects.all(), self.request.user, "change", pk=self.kwargs["pk"])

    def save(self, form, fields, options):
        return scheme_update(scheme=self.object, **options, **fields)


class SchemePlanCreateView(ServiceFormView):
    model = SchemePlan
    form_class = SchemePlanForm
    title = _("New industry-promotion plan")
    success_message = _("Saved the plan for %(object)s.")

    def get_initial(self):
        initial = super().get_initial()
        initial["year"] = picked_year(self.request.GET.get("year"), default=timezone.localdate().year)
        return initial

    def get_cancel_url(self):
        return reverse("industry:scheme_list")

    def save(self, form, fields, options):
        return scheme_plan_save(**options, **fields)


class SchemePlanUpdateView(ServiceFormView):
    model = SchemePlan
    form_class = SchemePlanForm
    title = _("Edit industry-promotion plan")
    success_message = _("Saved the plan for %(object)s.")

    def get_object(self):
        return access.get_for_user(SchemePlan.objects.all(), self.request.user, "change", pk=self.kwargs["pk"])

    def save(self, form, fields, options):
        return scheme_plan_save(plan=self.object, **options, **fields)
