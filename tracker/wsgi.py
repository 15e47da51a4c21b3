"""WSGI entry point (gunicorn tracker.wsgi). The process is warmed before it serves (tracker/warmup.py): with
gunicorn's --preload once in the master, whose workers then start warm; without it, in each worker as it starts.
A warm-up that fails is logged and the server starts all the same: what failed fails again on the request that
needs it, as it would have without the warm-up. Then the objects the warm process holds are frozen out of the
garbage collector's full passes (`warmup.freeze`)."""
import logging
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
application = get_wsgi_application()

if settings.WARM_UP:
    from tracker import warmup

    try:
        warmup.warm_up()
    except Exception:  # noqa: BLE001 (any failure: a page that cannot load must not keep the whole site down)
        logging.getLogger("tracker.warmup").exception("warm-up failed; the server starts cold")
    warmup.freeze()  # what the process holds now lives as long as it: out of the garbage collector's full passes
