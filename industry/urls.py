"""The industry app's pages, by subject."""
from django.urls import path

from industry.views import infrastructure as infrastructure_views
from industry.views import obstacles as obstacle_views
from industry.views import production as production_views
from industry.views import schemes as scheme_views

app_name = "industry"
urlpatterns = [
    # Production index and electricity
    path("production/", production_views.production_index, name="production"),
    path("production/<int:year>/", production_views.production_year_page, name="production_year"),
    path("production/<int:year>/history/", production_views.production_history_page, name="production_history"),
    path("production/<int:year>/export/", production_views.production_export, name="production_export"),
    path("production/index/new/", production_views.ProductionIndexCreateView.as_view(), name="production_index_create"),
    path("production/index/<int:pk>/edit/", production_views.ProductionIndexUpdateView.as_view(),
         name="production_index_update"),
    path("production/electricity/new/", production_views.ElectricityCreateView.as_view(), name="electricity_create"),
    path("production/electricity/<int:pk>/edit/", production_views.ElectricityUpdateView.as_view(),
         name="electricity_update"),
    path("production/targets/new/", production_views.ProductionTargetCreateView.as_view(),
         name="production_target_create"),
    path("production/targets/<int:pk>/edit/", production_views.ProductionTargetUpdateView.as_view(),
         name="production_target_update"),
    # Obstacles and khuyến công schemes
    path("obstacles/", obstacle_views.ObstacleListView.as_view(), name="obstacle_list"),
    path("obstacles/new/", obstacle_views.ObstacleCreateView.as_view(), name="obstacle_create"),
    path("obstacles/export/", obstacle_views.ObstacleExportView.as_view(), name="obstacle_export"),
    path("obstacles/<int:pk>/", obstacle_views.obstacle_detail, name="obstacle_detail"),
    path("obstacles/<int:pk>/edit/", obstacle_views.ObstacleUpdateView.as_view(), name="obstacle_update"),
    path("obstacles/<int:pk>/actions/new/", obstacle_views.ObstacleActionCreateView.as_view(), name="obstacle_action_create"),
    path("obstacles/<int:pk>/force-majeure/", obstacle_views.obstacle_convert, name="obstacle_convert"),
    path("schemes/", scheme_views.SchemeListView.as_view(), name="scheme_list"),
    path("schemes/new/", scheme_views.SchemeCreateView.as_view(), name="scheme_create"),
    path("schemes/export/", scheme_views.SchemeExportView.as_view(), name="scheme_export"),
    path("schemes/<int:pk>/", scheme_views.scheme_detail, name="scheme_detail"),
    path("schemes/<int:pk>/edit/", scheme_views.SchemeUpdateView.as_view(), name="scheme_update"),
    path("schemes/year/<int:year>/", scheme_views.scheme_year_view, name="scheme_year"),
    path("schemes/plans/new/", scheme_views.SchemePlanCreateView.as_view(), name="scheme_plan_create"),
    path("schemes/plans/<int:pk>/edit/", scheme_views.SchemePlanUpdateView.as_view(), name="scheme_plan_update"),
    # Cluster infrastructure
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
