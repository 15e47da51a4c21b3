"""The public lists: leadership's approval page (namespace "publication", mounted at /publication/) and the public
pages (namespace "public", mounted at /cong-khai/, the only pages without a login besides the login's own)."""
from django.urls import path

from projects.publication import views

app_name = "publication"
urlpatterns = [
    path("", views.manage, name="index"),
]
public_urlpatterns = [
    path("", views.public_index, name="index"),
    path("<slug:kind>/", views.public_list, name="list"),
    path("<slug:kind>/xlsx/", views.public_xlsx, name="xlsx"),
    path("<slug:kind>/pdf/", views.public_pdf, name="pdf"),
]
