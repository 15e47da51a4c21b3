"""A server process is warmed before its first request (tracker/warmup.py, called by tracker/wsgi.py): the URL
configuration imported and its reverse table built for each language, every one of the project's templates compiled.
The warm-up never touches the database (a process whose database cannot be reached warms all the same), and a
template that does not compile, or any failure of the warm-up, is logged, not allowed to stop the server."""
import importlib
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.urls import clear_url_caches, get_resolver

from tracker import warmup


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    """Reloading tracker.wsgi freezes the objects the process holds (`warmup.freeze`): recorded here instead, so
    that the test process itself is not frozen (the fresh-process test below freezes its own)."""
    calls = []
    monkeypatch.setattr(warmup, "freeze", lambda: calls.append("freeze") or 0)
    return calls


def _template_files() -> set[str]:
    roots = [Path(settings.BASE_DIR) / "templates"] + [
        Path(settings.BASE_DIR) / app / "templates" for app in ("api", "clusters", "industry", "projects", "tracker")
    ]
    return {p.relative_to(root).as_posix() for root in roots if root.is_dir() for p in root.rglob("*.html")}


def _form_templates() -> int:
    """Django's form templates, which the form renderer (tracker/renderers.py) takes from their Jinja2 versions."""
    import django.forms

    return len(list((Path(django.forms.__file__).parent / "jinja2").rglob("*.html")))


def _cached_loader():
    return engines["django"].engine.template_loaders[0]


def test_the_warm_up_compiles_every_template_of_the_project_and_no_library_template():
    names = set(warmup.template_names())
    assert _template_files() <= names
    assert {"base.html", "projects/project_detail.html", "reports/print.css"} <= names
    assert not [name for name in names if name.startswith(("admin/", "rest_framework/", "django_filters/"))]

    loader = _cached_loader()
    loader.reset()
    assert "base.html" not in loader.get_template_cache
    done = warmup.warm_up()
    assert done["failed"] == []
    assert done["templates"] == len(names) + _form_templates()
    assert names <= set(loader.get_template_cache)  # compiled and kept: later requests do not read the files


def test_the_warm_up_builds_the_url_table_for_every_language():
    clear_url_caches()
    assert not get_resolver()._reverse_dict
    warmup.warm_up()
    assert {code for code, _name in settings.LANGUAGES} <= set(get_resolver()._reverse_dict)


def test_a_template_that_does_not_compile_is_logged_and_the_rest_are_still_compiled(tmp_path, settings, monkeypatch, caplog):
    (tmp_path / "good.html").write_text("{% load i18n %}<p>{% trans 'Projects' %}</p>", encoding="utf-8")
    (tmp_path / "broken.html").write_text("{% if %}<p>{% endfor %}", encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    monkeypatch.setattr(warmup, "first_party_template_dirs", lambda: [tmp_path])

    with caplog.at_level(logging.ERROR, logger="tracker.warmup"):
        done = warmup.warm_up()

    assert done["failed"] == ["broken.html"]
    assert done["templates"] == 1 + _form_templates()
    assert "broken.html" in caplog.text


def test_the_wsgi_module_warms_the_process_then_freezes_it_unless_told_not_to(monkeypatch, settings, frozen):
    import tracker.wsgi

    frozen.clear()  # the first import, if it was one, warmed and froze already

    monkeypatch.setattr(warmup, "warm_up", lambda: frozen.append("warm"))
    settings.WARM_UP = True
    importlib.reload(tracker.wsgi)
    assert frozen == ["warm", "freeze"]
    settings.WARM_UP = False
    importlib.reload(tracker.wsgi)
    assert frozen == ["warm", "freeze"]


def test_a_warm_up_that_fails_is_logged_and_the_server_starts_all_the_same(monkeypatch, settings, frozen):
    import tracker.wsgi

    frozen.clear()

    def fail():
        raise ImportError("a view module that does not import")

    class Kept(logging.Handler):  # on the logger itself: reloading the WSGI module sets logging up again
        records = []

        def emit(self, record):
            self.records.append(record)

    logger, handler = logging.getLogger("tracker.warmup"), Kept(logging.ERROR)
    logger.addHandler(handler)
    try:
        monkeypatch.setattr(warmup, "warm_up", fail)
        settings.WARM_UP = True
        importlib.reload(tracker.wsgi)
    finally:
        logger.removeHandler(handler)
    assert tracker.wsgi.application is not None
    assert frozen == ["freeze"]  # frozen all the same
    [record] = handler.records
    assert "warm-up failed" in record.getMessage() and "a view module that does not import" in str(record.exc_info[1])


def test_a_process_warms_up_without_reaching_the_database(tmp_path):
    """A fresh process, its database unreachable (nothing listens on port 9): the warm-up imports the URLs and every
    view, compiles the templates, and succeeds; a query anywhere in it would have failed it."""
    env = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:9/unreachable", "DJANGO_SETTINGS_MODULE":
           "tracker.settings", "WARM_UP": "true"}
    script = ("import tracker.wsgi, tracker.warmup as w; d = w.warm_up(); "
              "print('compiled', d['templates'], 'failed', len(d['failed']))")
    result = subprocess.run([sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "warm-up failed" not in result.stderr, result.stderr
    assert "failed 0" in result.stdout and int(result.stdout.split()[1]) > 70


def test_a_server_process_holds_its_warm_objects_out_of_the_collectors_full_passes():
    """In a fresh process as gunicorn loads it: after tracker.wsgi, the objects it holds are frozen (`gc.freeze`),
    so a full collection during a request walks only what requests made; garbage made before is collected first."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tracker.settings", "WARM_UP": "true"}
    script = ("import gc, tracker.wsgi; frozen = gc.get_freeze_count(); tracked = len(gc.get_objects()); "
              "print(frozen, tracked)")
    result = subprocess.run([sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    frozen, tracked = (int(n) for n in result.stdout.split()[-2:])
    assert frozen > 50_000 and tracked < frozen / 10, (frozen, tracked)
