"""The import's pages, mounted at /imports/ under the namespace "imports"."""
from django.urls import path

from projects.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.import_start, name="start"),
    path("template/", views.import_template, name="template"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/progress/", views.import_progress_fragment, name="progress"),
    path("<int:pk>/confirm/", views.import_confirm, name="confirm"),
]
