"""Production settings: the base settings plus HTTPS-only cookies, HSTS and a required secret key.

Use with DJANGO_SETTINGS_MODULE=tracker.settings_production behind a TLS-terminating reverse proxy (nginx) that
sets X-Forwarded-Proto; see README, "Production security settings".
"""
import os

from django.core.exceptions import ImproperlyConfigured

from tracker.settings import *  # noqa: F403
from tracker.settings import env

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY", default="")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured("Set SECRET_KEY to a random value of at least 50 characters.")
if not os.environ.get("ALLOWED_HOSTS"):
    raise ImproperlyConfigured("Set ALLOWED_HOSTS to the site's host names.")

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True  # the language switch's cookie too: sent over HTTPS only
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# The proxy in front terminates TLS and says so in this header; Django trusts it only here.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
