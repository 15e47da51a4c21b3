"""Pages for cluster infrastructure: a cluster's items with the expansion check, their forms and history, and the
province-wide list with its export."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusters.models import Cluster
from clusters.selectors import cluster_get
from industry.forms.infrastructure import InfrastructureItemForm
from industry.models.infrastructure import STATE_SUPPORT_BASIS, STATE_SUPPORT_CAP_PCT, InfrastructureItem
from industry.selectors.infrastructure import (
    WASTEWATER_LABELS, cluster_items, cluster_totals, expansion_check, infrastructure_get, infrastructure_list,
)
from industry.services.infrastructure import (
    infrastructure_item_create, infrastructure_item_delete, infrastructure_item_update,
)
from tracker import access
from tracker.exports import Column
from tracker.generic import ConfirmDeleteView, ExportView, FilteredListView, ServiceFormView
from tracker.history import object_history

INFRASTRUCTURE_COLUMNS = [
    Column(_("Cluster code"), "cluster_code", lambda i: i.cluster.code),
    Column(_("Cluster"), "cluster_name", lambda i: i.cluster.name),
    Column(_("Commune or ward"), "commune", lambda i: i.cluster.commune.name),
    Column(_("Former district"), "former_district", lambda i: i.cluster.former_district.name),
    Column(_("Infrastructure item"), "kind", lambda i: i.get_kind_display()),
    Column(_("Description"), "description", lambda i: i.description),
    Column(_("Planned completion"), "planned_completion", lambda i: i.planned_completion),
    Column(_("Actual completion"), "actual_completion", lambda i: i.actual_completion),
    Column(_("Meets the standards since"), "standards_met_on", lambda i: i.standards_met_on),
    Column(_("Investment planned (VND)"), "investment_planned_vnd", lambda i: i.investment_planned_vnd),
    Column(_("Investment disbursed (VND)"), "investment_disbursed_vnd", lambda i: i.investment_disbursed_vnd),
    Column(_("State support (%)"), "state_support_pct", lambda i: i.state_support_pct),
    Column(_("Sample data"), "is_sample", lambda i: i.is_sample),
]


class InfrastructureListView(FilteredListView):
    model = InfrastructureItem
    template_name = "industry/infrastructure_list.html"
    list_selector = staticmethod(infrastructure_list)
    export_url_name = "industry:infrastructure_export"
    title = _("Cluster infrastructure")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        return context


class InfrastructureExportView(ExportView):
    model = InfrastructureItem
    list_selector = staticmethod(infrastructure_list)
    filename = "ha-tang-cum-cong-nghiep"
    columns = INFRASTRUCTURE_COLUMNS


def cluster_infrastructure(request, pk: int):
    """A cluster's infrastructure: its items, their totals, the State's share (Art. 26) and the expansion check
    (Art. 8(2)) on the cluster's occupancy as every page shows it (clusters.selectors.cluster_get)."""
    access.require(request.user, InfrastructureItem, "view")
    cluster = cluster_get(pk=pk, user=request.user)
    items = cluster_items(cluster=cluster, user=request.user)
    today = timezone.localdate()
    check = expansion_check(occupancy_pct=cluster.occupancy_pct, items=items, day=today)
    return render(
        request,
        "industry/infrastructure_cluster.html",
        {
            "cluster": cluster,
            "items": items,
            "totals": cluster_totals(items),
            "check": check,
            "wastewater_label": WASTEWATER_LABELS[check["completeness"].wastewater],
            "cap": STATE_SUPPORT_CAP_PCT,
            "cap_basis": STATE_SUPPORT_BASIS,
            "today": today,
            "can_add": access.can(request.user, InfrastructureItem, "add"),  # the cluster is the user's (above)
            "can_change": access.can(request.user, InfrastructureItem, "change"),
            "can_delete": access.can(request.user, InfrastructureItem, "delete"),
        },
    )


def infrastructure_history(request, pk: int):
    item = infrastructure_get(pk=pk, user=request.user)
    return render(
        request,
        "industry/infrastructure_history.html",
        {"item": item, "cluster": item.cluster, "entries": object_history(item)},
    )


class InfrastructureCreateView(ServiceFormView):
    model = InfrastructureItem
    form_class = InfrastructureItemForm
    success_message = _("Saved %(object)s.")

    def dispatch(self, request, *args, **kwargs):
        # The cluster first: outside the user's communes it is a 404, whatever the permission.
        self.cluster = access.get_for_user(Cluster.objects.select_related("commune"), request.user, "view",
                                           pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = InfrastructureItem(cluster=self.cluster)  # the form checks the cap on this cluster
        return kwargs

    def get_initial(self):
        kind = self.request.GET.get("kind")
        return {"kind": kind} if kind in InfrastructureItem.Kind.values else {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("New infrastructure item of %(cluster)s") % {"cluster": self.cluster.name}
        return context

    def get_cancel_url(self):
        return reverse("industry:infrastructure_cluster", args=[self.cluster.pk])

    def save(self, form, fields, options):
        return infrastructure_item_create(cluster=self.cluster, **options, **fields)


class InfrastructureUpdateView(ServiceFormView):
    model = InfrastructureItem
    form_class = InfrastructureItemForm
    title = _("Edit infrastructure item")
    success_message = _("Saved %(object)s.")

    def get_object(self):
        return infrastructure_get(pk=self.kwargs["pk"], user=self.request.user, action="change")

    def save(self, form, fields, options):
        return infrastructure_item_update(item=self.object, **options, **fields)


class InfrastructureDeleteView(ConfirmDeleteView):
    def get_object(self):
        return infrastructure_get(pk=self.kwargs["pk"], user=self.request.user, action="delete")

    def cancel_url(self, obj):
        return reverse("industry:infrastructure_cluster", args=[obj.cluster_id])

    def delete(self, obj):
        infrastructure_item_delete(item=obj, user=self.request.user)
        return self.cancel_url(obj)

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(self.cancel_url(obj))
