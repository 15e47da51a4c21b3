"""The watchlist's pages, mounted at /watchlist/ under the namespace "watchlist"."""
from django.urls import path

from projects.watchlist import views

app_name = "watchlist"
urlpatterns = [
    path("", views.WatchlistView.as_view(), name="list"),
    path("coming-due/", views.coming_due_list, name="coming_due"),
    path("coming-due/export/", views.coming_due_export, name="coming_due_export"),
    path("coming-due/sent/", views.warning_letters_sent, name="letters_sent"),
    path("coming-due/digest/", views.coming_due_digest_preference, name="coming_due_digest"),
    path("export/", views.FlagExportView.as_view(), name="export"),
    path("<int:pk>/", views.flag_detail, name="flag"),
    path("<int:pk>/step/", views.review_step, name="step"),
]
