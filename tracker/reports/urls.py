from django.urls import path

from tracker.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("form-04/", views.form04, name="form04"),
    path("form-04/xlsx/", views.form04_xlsx, name="form04_xlsx"),
    path("form-03/<int:pk>/", views.form03, name="form03"),
    path("form-03/<int:pk>/xlsx/", views.form03_xlsx, name="form03_xlsx"),
    path("watchlist/xlsx/", views.watchlist_report_xlsx, name="watchlist_xlsx"),
    path("watchlist/pdf/", views.watchlist_report_pdf, name="watchlist_pdf"),
    path("warning-letters/pdf/", views.warning_letters_pdf, name="warning_letters_pdf"),
    path("warning-letters/docx/", views.warning_letters_docx, name="warning_letters_docx"),
]
