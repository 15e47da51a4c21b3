"""The Vietnamese interface is complete: every message has a translation, and the compiled catalogue is current."""
import gettext
import re
from pathlib import Path

from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES"


def _po_entries():
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        if "#, fuzzy" in block and 'msgid ""\nmsgstr ""' not in block:
            yield "FUZZY", block
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if not msgid:
            continue
        ident = "".join(re.findall(r'"(.*)"', msgid.group(1)))
        if ident:
            yield ident, block


def _catalog():
    with (LOCALE / "django.mo").open("rb") as handle:
        return gettext.GNUTranslations(handle)._catalog


def test_every_message_has_a_vietnamese_translation_in_the_compiled_catalogue():
    catalog = _catalog()
    untranslated = []
    for msgid, _block in _po_entries():
        assert msgid != "FUZZY", "a fuzzy entry in django.po: review it and remove the flag"
        unescaped = msgid.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
        value = catalog.get(unescaped) or catalog.get((unescaped, 0))
        if not value:
            untranslated.append(msgid)
    assert not untranslated, f"missing from django.mo (run compilemessages) or untranslated: {untranslated}"


def test_every_template_string_is_translated():
    catalog = _catalog()
    templates = Path(settings.BASE_DIR) / "templates"
    missing = set()
    for path in templates.rglob("*.html"):
        for msgid in re.findall(r'{% trans(?:late)? "([^"]+)"', path.read_text(encoding="utf-8")):
            # The trans tag looks a string up with its percent signs doubled (Django's Variable.resolve): a
            # catalogue entry "below 50 %" would never be found, and the page would say it in English.
            if msgid.replace("%", "%%") not in catalog:
                missing.add(msgid)
    assert not missing, f"template strings without a Vietnamese translation: {sorted(missing)}"


def test_djangos_own_vietnamese_messages_have_no_space_before_the_full_stop():
    """Django's Vietnamese catalogue writes "bằng với 24 ."; the review form's months field shows it."""
    import pytest
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from projects.watchlist.forms import ReviewStepForm

    with translation.override("vi"):
        with pytest.raises(ValidationError) as error:
            ReviewStepForm.base_fields["months"].clean("30")
        [message] = error.value.messages
        assert message.endswith("24.") and " ." not in message
        with pytest.raises(ValidationError) as error:
            ReviewStepForm.base_fields["months"].clean("0")
        [message] = error.value.messages
        assert message.endswith("1.") and " ." not in message
