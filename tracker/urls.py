"""The tracker's URLs; every page needs a login except the login page itself, the password reset, the language
switch, /healthz and the public lists (/cong-khai/)."""
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from projects.publication.urls import public_urlpatterns
from projects.urls import investor_urlpatterns, target_urlpatterns
from tracker import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("search/", views.search, name="search"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("tracker.accounts.urls")),
    path("language/", login_not_required(set_language), name="set_language"),
    path("clusters/", include("clusters.urls")),
    path("projects/", include("projects.urls")),
    path("investors/", include((investor_urlpatterns, "investors"))),
    path("watchlist/", include("projects.watchlist.urls")),
    path("targets/", include((target_urlpatterns, "targets"))),
    path("imports/", include("projects.imports.urls")),
    path("reports/", include("tracker.reports.urls")),
    path("industry/", include("industry.urls")),
    path("publication/", include("projects.publication.urls")),
    path("cong-khai/", include((public_urlpatterns, "public"))),
    path("api/v1/", include("api.urls")),
    path("api-tokens/", include("api.pages")),
    path("admin/", admin.site.urls),
]

handler404 = "tracker.views.page_not_found"
handler500 = "tracker.views.server_error"

if settings.DEBUG:
    urlpatterns.append(path("__500__/", views.debug_500))
