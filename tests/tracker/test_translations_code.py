"""Strings marked for translation in the Python code are in the Vietnamese catalogue too (not only what
makemessages already extracted): a new gettext call without a translation fails here, no gettext tools needed."""
import ast
import gettext
from pathlib import Path

from django.conf import settings

MARKERS = {"_", "gettext", "gettext_lazy", "pgettext", "ngettext"}
PACKAGES = ("tracker", "clusters", "projects")


def _marked_strings():
    for package in PACKAGES:
        for path in (Path(settings.BASE_DIR) / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in MARKERS
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    yield path.relative_to(settings.BASE_DIR), node.args[0].value


def test_every_marked_python_string_has_a_vietnamese_translation():
    with (Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    missing = sorted({f"{path}: {text}" for path, text in _marked_strings() if not catalog.get(text) and not catalog.get((text, 0))})
    assert not missing, "untranslated (run makemessages, translate, compilemessages):\n" + "\n".join(missing)
