"""WSGI entry point (gunicorn tracker.wsgi). The process is warmed before it serves (tracker/warmup.py): with
gunicorn's --preload once in the master, whose workers then start warm; without it, in each worker as it starts."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
application = get_wsgi_application()

if os.environ.get("WARM_UP", "true").lower() not in {"0", "false", "no"}:
    from tracker.warmup import warm_up

    warm_up()
