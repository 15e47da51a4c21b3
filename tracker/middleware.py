"""Language choice: the cookie set by the language switch, else Vietnamese (never the browser's guess); and no
cache keeps what a logged-in user was shown."""
from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.codes = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, settings.LANGUAGE_CODE)
        if language not in self.codes:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class PrivatePagesMiddleware:
    """Every response to a logged-in user says `Cache-Control: private, no-store`: no proxy and no shared computer's
    browser cache keeps a page, an export or a document after the user has gone (issue 13). Static files never get
    here (WhiteNoise answers them first); a file download works as before, it is only not stored."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
        return response
