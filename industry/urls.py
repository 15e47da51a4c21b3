from django.urls import path  # noqa: F401  (the pages are added per subject)

app_name = "industry"
urlpatterns = []

# Production index and electricity (industry.views.production)
from industry.views import production as production_views  # noqa: E402

urlpatterns += [
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
]
