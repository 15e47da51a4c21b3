from django.urls import path  # noqa: F401  (the pages are added per subject)

app_name = "industry"
urlpatterns = []

from industry.views import obstacles as obstacle_views  # noqa: E402
from industry.views import schemes as scheme_views  # noqa: E402

urlpatterns += [
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
]
