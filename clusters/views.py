"""Pages for clusters: list, detail, create, edit."""
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clusters.forms import ClusterForm
from clusters.models import Cluster
from clusters.selectors import cluster_get, cluster_list, cluster_status_counts
from clusters.services import cluster_create, cluster_update
from tracker.generic import FilteredListView, ServiceFormView


class ClusterListView(FilteredListView):
    template_name = "clusters/cluster_list.html"
    list_selector = staticmethod(cluster_list)
    title = _("Industrial clusters")


def cluster_detail(request, pk: int):
    from projects.selectors import project_queryset

    cluster = cluster_get(pk=pk)
    projects = project_queryset().filter(cluster=cluster).order_by("code")
    return render(
        request,
        "clusters/cluster_detail.html",
        {"cluster": cluster, "projects": projects, "status_counts": cluster_status_counts(cluster)},
    )


class ClusterCreateView(ServiceFormView):
    form_class = ClusterForm
    title = _("New industrial cluster")
    success_message = _("Saved cluster %(object)s.")

    def get_cancel_url(self):
        return reverse("clusters:list")

    def save(self, form, fields):
        return cluster_create(user=self.request.user, **fields)


class ClusterUpdateView(ServiceFormView):
    form_class = ClusterForm
    title = _("Edit industrial cluster")
    success_message = _("Saved cluster %(object)s.")

    def get_object(self):
        return get_object_or_404(Cluster, pk=self.kwargs["pk"])

    def save(self, form, fields):
        return cluster_update(cluster=self.object, user=self.request.user, **fields)
