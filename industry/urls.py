from django.urls import path  # noqa: F401  (the pages are added per subject)

app_name = "industry"
urlpatterns = []

from industry.views import infrastructure as infrastructure_views  # noqa: E402

urlpatterns += [
    path("infrastructure/", infrastructure_views.InfrastructureListView.as_view(), name="infrastructure_list"),
    path("infrastructure/export/", infrastructure_views.InfrastructureExportView.as_view(),
         name="infrastructure_export"),
    path("infrastructure/cluster/<int:pk>/", infrastructure_views.cluster_infrastructure,
         name="infrastructure_cluster"),
    path("infrastructure/cluster/<int:pk>/new/", infrastructure_views.InfrastructureCreateView.as_view(),
         name="infrastructure_create"),
    path("infrastructure/<int:pk>/edit/", infrastructure_views.InfrastructureUpdateView.as_view(),
         name="infrastructure_update"),
    path("infrastructure/<int:pk>/delete/", infrastructure_views.InfrastructureDeleteView.as_view(),
         name="infrastructure_delete"),
    path("infrastructure/<int:pk>/history/", infrastructure_views.infrastructure_history,
         name="infrastructure_history"),
]
