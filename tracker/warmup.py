"""Warm a server process before it takes its first request (tracker/wsgi.py calls `warm_up` at import).

A process's first request otherwise pays for what every later one finds ready: importing the URL configuration and
every view behind it, building the URL resolver's reverse table for each language, loading the translation catalogs,
and compiling the templates into the cached template loader. Measured on a page of the benchmark database
(docs/benchmarks.md, "Pages at national scale"), that was 250–320 ms added to the first request of each page in each
gunicorn worker: with 4 workers, enough first requests to make a page's 95th percentile in a one-minute load test.

Nothing here touches the database (a connection opened before gunicorn forks would be shared by its workers).
A template that does not compile is logged and left to fail on the request that needs it, as it would have: one
broken page must not stop the whole site from starting.
"""
import gc
import logging
import sysconfig
import time
from pathlib import Path

import django.forms
from django.conf import settings
from django.forms.renderers import get_default_renderer
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.template.backends.django import DjangoTemplates
from django.template.utils import get_app_template_dirs
from django.urls import get_resolver
from django.utils import translation

logger = logging.getLogger(__name__)


def _library_paths() -> list[Path]:
    paths = sysconfig.get_paths()
    return [Path(paths[key]).resolve() for key in ("purelib", "platlib") if paths.get(key)]


def first_party_template_dirs() -> list[Path]:
    """The project's template directories: `templates/` and the templates of the project's own apps (not those of
    installed libraries, such as the admin's, which a department's user rarely opens, wherever the virtualenv is)."""
    base = Path(settings.BASE_DIR).resolve()
    libraries = _library_paths()
    dirs = [Path(d).resolve() for engine in settings.TEMPLATES for d in engine.get("DIRS", ())]
    dirs += [Path(d).resolve() for d in get_app_template_dirs("templates")]
    return [d for d in dict.fromkeys(dirs) if d.is_dir() and d.is_relative_to(base)
            and not any(d.is_relative_to(library) for library in libraries)]


def template_names() -> list[str]:
    """Every file of those directories: pages, e-mails, and the style sheets the PDF reports render as templates."""
    return sorted({path.relative_to(d).as_posix() for d in first_party_template_dirs()
                   for path in d.rglob("*") if path.is_file() and not path.name.startswith(".")})


def _form_templates() -> int:
    """Compile the form renderer's templates of Django's widgets (tracker/renderers.py: their Jinja2 versions)."""
    renderer = get_default_renderer()
    engine = getattr(renderer, "jinja2", None)
    if engine is None:
        return 0
    root = Path(django.forms.__file__).parent / "jinja2"
    names = [path.relative_to(root).as_posix() for path in root.rglob("*.html")]
    for name in names:
        engine.get_template(name)
    return len(names)


def warm_up() -> dict:
    """Import the URL configuration, fill the resolver and the translations for every language, compile the
    project's templates. Returns what it did (counts, seconds, the templates that did not compile)."""
    started = time.perf_counter()
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 (imports the URL configuration and every view module it names)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            resolver.reverse_dict  # noqa: B018 (the reverse table is built per language)
            translation.gettext("Secondary projects")  # loads the catalog
    compiled, failed = 0, []
    for engine in engines.all():
        if not isinstance(engine, DjangoTemplates):
            continue
        for name in template_names():
            try:
                engine.get_template(name)
                compiled += 1
            except (TemplateSyntaxError, TemplateDoesNotExist) as error:
                failed.append(name)
                logger.error("warm-up: template %s does not compile: %s", name, error)
    compiled += _form_templates()
    seconds = time.perf_counter() - started
    logger.info("warm-up: %d templates compiled in %.2f s", compiled, seconds)
    return {"templates": compiled, "failed": failed, "seconds": seconds}


def freeze() -> int:
    """Move every object the process holds after its warm-up (the modules, the URL tables, the compiled templates,
    the translation catalogs: some 200,000 objects) out of the cyclic garbage collector's sight (`gc.freeze`). They
    live as long as the process; reference counting still frees anything that is dropped. Without it each full
    collection walked all of them in the middle of a request: the longest of 180 requests of the benchmark's pages
    took 104 ms, 26 ms frozen (`benchmark_pages --gc`; docs/benchmarks.md, "The garbage collector's pauses").
    Garbage that is already there is collected first, so none is kept for ever. Returns the number of objects
    frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
