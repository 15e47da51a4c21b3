"""A user whose password change an administrator asked for sees only the change page until they change it."""
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse

from tracker.accounts.services import must_change_password

# (namespace, URL name) of the pages such a user may still open.
EXEMPT = {
    ("", "password_change"),
    ("", "password_change_done"),
    ("", "logout"),
    ("admin", "logout"),
    ("", "healthz"),
    ("", "set_language"),
}


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(settings.STATIC_URL):
            return None
        match = request.resolver_match
        if match and (match.namespace, match.url_name) in EXEMPT:
            return None
        if not must_change_password(request.user):
            return None
        url = reverse("password_change")
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        response = HttpResponseRedirect(url)
        if request.headers.get("HX-Request"):
            response["HX-Redirect"] = url  # htmx follows it as a whole page, not into a fragment
        return response
