from django.urls import path

from clusters import views

app_name = "clusters"
urlpatterns = [
    path("", views.ClusterListView.as_view(), name="list"),
    path("new/", views.ClusterCreateView.as_view(), name="create"),
    path("export/", views.ClusterExportView.as_view(), name="export"),
    path("map/", views.cluster_map, name="map"),
    path("map/data.geojson", views.cluster_map_data, name="map_data"),
    path("autocomplete/", views.cluster_autocomplete, name="autocomplete"),
    path("<int:pk>/", views.cluster_detail, name="detail"),
    path("<int:pk>/history/", views.cluster_history, name="history"),
    path("<int:pk>/edit/", views.ClusterUpdateView.as_view(), name="update"),
]
