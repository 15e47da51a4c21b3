"""A server process is warmed before its first request (tracker/warmup.py, called by tracker/wsgi.py): the URL
configuration imported and its reverse table built for each language, every one of the project's templates compiled.
The warm-up never touches the database (these tests have no database access: a query would fail them), and a
template that does not compile is logged, not allowed to stop the server from starting."""
import importlib
import logging
from pathlib import Path

from django.conf import settings
from django.template import engines
from django.urls import get_resolver

from tracker import warmup


def _template_files() -> set[str]:
    roots = [Path(settings.BASE_DIR) / "templates"] + [
        Path(settings.BASE_DIR) / app / "templates" for app in ("api", "clusters", "industry", "projects", "tracker")
    ]
    return {p.relative_to(root).as_posix() for root in roots if root.is_dir() for p in root.rglob("*.html")}


def _form_templates() -> int:
    """Django's form templates, which the form renderer (tracker/renderers.py) takes from their Jinja2 versions."""
    import django.forms

    return len(list((Path(django.forms.__file__).parent / "jinja2").rglob("*.html")))


def test_the_warm_up_compiles_every_template_of_the_project_and_no_library_template():
    names = set(warmup.template_names())
    assert _template_files() <= names
    assert "base.html" in names and "projects/project_detail.html" in names
    assert not [name for name in names if name.startswith(("admin/", "rest_framework/", "drf_spectacular"))]

    done = warmup.warm_up()
    assert done["failed"] == []
    assert done["templates"] == len(names) + _form_templates()
    # Compiled: the cached loader hands out the very same template objects from then on, without reading the files.
    engine = engines["django"]
    assert engine.get_template("base.html").template is engine.get_template("base.html").template


def test_the_warm_up_builds_the_url_table_for_every_language():
    warmup.warm_up()
    resolver = get_resolver()
    assert {code for code, _name in settings.LANGUAGES} <= set(resolver._reverse_dict)


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


def test_the_wsgi_module_warms_the_process_unless_told_not_to(monkeypatch):
    import tracker.wsgi

    calls = []
    monkeypatch.setattr(warmup, "warm_up", lambda: calls.append(1))
    monkeypatch.delenv("WARM_UP", raising=False)
    importlib.reload(tracker.wsgi)
    assert calls == [1]
    monkeypatch.setenv("WARM_UP", "false")
    importlib.reload(tracker.wsgi)
    assert calls == [1]
