from django.urls import path

from projects import views

app_name = "projects"
urlpatterns = [
    path("", views.ProjectListView.as_view(), name="list"),
    path("new/", views.ProjectCreateView.as_view(), name="create"),
    path("export/", views.ProjectExportView.as_view(), name="export"),
    path("autocomplete/", views.project_autocomplete, name="autocomplete"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/history/", views.project_history, name="history"),
    path("<int:pk>/edit/", views.ProjectUpdateView.as_view(), name="update"),
    path("<int:pk>/documents/new/", views.DocumentUploadView.as_view(), name="document_upload"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download, name="document_download"),
    path("<int:pk>/documents/<int:document_pk>/delete/", views.DocumentDeleteView.as_view(), name="document_delete"),
    path("<int:pk>/<slug:kind>/new/", views.ProjectRecordCreateView.as_view(), name="record_create"),
    path("<int:pk>/<slug:kind>/<int:record_pk>/edit/", views.ProjectRecordUpdateView.as_view(), name="record_update"),
    path(
        "<int:pk>/<slug:kind>/<int:record_pk>/delete/", views.ProjectRecordDeleteView.as_view(), name="record_delete"
    ),
]

# Mounted at /investors/ under the namespace "investors".
investor_urlpatterns = [
    path("", views.InvestorListView.as_view(), name="list"),
    path("new/", views.InvestorCreateView.as_view(), name="create"),
    path("export/", views.InvestorExportView.as_view(), name="export"),
    path("autocomplete/", views.investor_autocomplete, name="autocomplete"),
    path("<int:pk>/", views.investor_detail, name="detail"),
    path("<int:pk>/history/", views.investor_history, name="history"),
    path("<int:pk>/edit/", views.InvestorUpdateView.as_view(), name="update"),
]

# Mounted at /targets/ under the namespace "targets".
target_urlpatterns = [
    path("", views.target_list, name="list"),
    path("new/", views.TargetCreateView.as_view(), name="create"),
    path("<int:pk>/edit/", views.TargetUpdateView.as_view(), name="update"),
    path("<int:pk>/history/", views.target_history, name="history"),
]
