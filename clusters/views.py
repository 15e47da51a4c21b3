"""Pages for clusters: list, map, detail, history, create, edit."""
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clusters.exports import CLUSTER_COLUMNS, OCCUPANCY_BANDS, cluster_geojson
from clusters.forms import ClusterForm
from clusters.models import Cluster
from clusters.selectors import cluster_get, cluster_list, cluster_status_counts
from clusters.services import cluster_create, cluster_update
from tracker import access
from tracker.generic import ExportView, FilteredListView, ServiceFormView, asks_for_filters, autocomplete_response
from tracker.history import created_and_changed, object_history


class ClusterListView(FilteredListView):
    model = Cluster
    template_name = "clusters/cluster_list.html"
    list_selector = staticmethod(cluster_list)
    export_url_name = "clusters:export"
    title = _("Industrial clusters")


def cluster_detail(request, pk: int):
    from projects.selectors import project_queryset

    cluster = cluster_get(pk=pk, user=request.user)
    projects = access.restrict(project_queryset(), request.user, "view").filter(cluster=cluster).order_by("code")
    created, changed = created_and_changed(cluster)
    return render(
        request,
        "clusters/cluster_detail.html",
        {
            "cluster": cluster,
            "projects": projects,
            "status_counts": cluster_status_counts(cluster),
            "can_change": access.restrict(Cluster.objects.filter(pk=pk), request.user, "change").exists(),
            "created": created,
            "changed": changed,
            "tab": "detail",
        },
    )


def cluster_history(request, pk: int):
    cluster = cluster_get(pk=pk, user=request.user)
    return render(
        request,
        "clusters/cluster_history.html",
        {"cluster": cluster, "entries": object_history(cluster), "tab": "history"},
    )


class ClusterCreateView(ServiceFormView):
    model = Cluster
    form_class = ClusterForm
    title = _("New industrial cluster")
    success_message = _("Saved cluster %(object)s.")

    def get_cancel_url(self):
        return reverse("clusters:list")

    def save(self, form, fields, options):
        return cluster_create(**options, **fields)


class ClusterUpdateView(ServiceFormView):
    model = Cluster
    form_class = ClusterForm
    title = _("Edit industrial cluster")
    success_message = _("Saved cluster %(object)s.")

    def get_object(self):
        return access.get_for_user(Cluster.objects.all(), self.request.user, "change", pk=self.kwargs["pk"])

    def save(self, form, fields, options):
        return cluster_update(cluster=self.object, **options, **fields)


class ClusterExportView(ExportView):
    model = Cluster
    list_selector = staticmethod(cluster_list)
    filename = "cum-cong-nghiep"
    columns = CLUSTER_COLUMNS


def _map_clusters(request):
    """The clusters the map shows: the list's filters and access rules, every page of them (no pagination)."""
    return cluster_list(filters=request.GET, user=request.user)


def cluster_map(request):
    """The clusters on a map (the markers come from cluster_map_data), with those that have no coordinates listed."""
    access.require(request.user, Cluster, "view")
    filterset = _map_clusters(request)
    clusters = list(filterset.qs.order_by("name"))
    query = request.GET.urlencode()
    return render(
        request,
        "clusters/cluster_map.html",
        {
            "title": _("Map of industrial clusters"),
            "filter": filterset,
            "filtered": asks_for_filters(request.GET),
            "located": [c for c in clusters if c.latitude is not None and c.longitude is not None],
            "unlocated": [c for c in clusters if c.latitude is None or c.longitude is None],
            "data_url": reverse("clusters:map_data") + (f"?{query}" if query else ""),
            "bands": [key for key, _low, _high in OCCUPANCY_BANDS] + ["none"],
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
            "tile_max_zoom": settings.MAP_TILE_MAX_ZOOM,
            "default_view": ",".join(str(value) for value in settings.MAP_DEFAULT_VIEW),
        },
    )


def cluster_map_data(request):
    """The map's markers as GeoJSON (application/geo+json), under the same filters and access rules as the list."""
    access.require(request.user, Cluster, "view")
    data = cluster_geojson(_map_clusters(request).qs.order_by("name"))
    return JsonResponse(data, content_type="application/geo+json", json_dumps_params={"ensure_ascii": False})


def cluster_autocomplete(request):
    """The clusters an autocomplete field offers (JSON): those the user may see, found by code or part of the
    name; `?open=1` leaves out the dissolved ones (a new project cannot go into one)."""
    access.require(request.user, Cluster, "view")
    clusters = access.restrict(Cluster.objects.all(), request.user, "view")
    if request.GET.get("open"):
        clusters = clusters.exclude(stage=Cluster.Stage.DISSOLVED)
    return autocomplete_response(request, clusters, code_field="code", label=str)
