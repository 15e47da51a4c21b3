"""The window of dates the tracker accepts: nothing before DATE_MIN (1990 by default: no cluster or project is
older) and nothing more than DATE_MAX_YEARS_AHEAD years after today (30 by default). A typo such as 31/12/9999
would otherwise be stored, and every clock computed from it would overflow."""
import time
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext as _


# The window, and until when (time.monotonic) it is taken as it is: an import checks 100,000 dates, and reading
# the clock and the time zone for each cost more than the rest of the check. At most a second after midnight a date
# may be measured against the day before's window (30 years ahead, give or take a day).
_window: list = [0.0, None, None]  # [good until, the settings it was made from, (earliest, latest)]


def date_window() -> tuple[date, date]:
    made_from = (settings.DATE_MIN, settings.DATE_MAX_YEARS_AHEAD)
    now = time.monotonic()
    good_until, made, window = _window
    if now < good_until and made == made_from:
        return window
    # Today in the tracker's time zone (settings.TIME_ZONE; no page activates another).
    today = timezone.localdate(timezone=timezone.get_default_timezone())
    latest = today.replace(year=today.year + settings.DATE_MAX_YEARS_AHEAD, day=min(today.day, 28))
    window = (settings.DATE_MIN, latest)
    _window[:] = [now + 1.0, made_from, window]
    return window


def date_error(value) -> str | None:
    """Why a date is outside the window, or None."""
    if value is None:
        return None
    earliest, latest = date_window()
    if not earliest <= value <= latest:
        return _("The date must lie between %(earliest)s and %(latest)s.") % {
            "earliest": earliest.strftime("%d/%m/%Y"), "latest": latest.strftime("%d/%m/%Y")}
    return None


def validate_date_window(value) -> None:
    """A validator for form fields that do not parse dates the tracker's way (the admin's): a date, or the day of a
    date and time, outside the window is refused next to its field."""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    error = date_error(value)
    if error:
        raise ValidationError(error, code="date_window")


# The years a year field accepts (a production figure, a khuyến công plan) and a page's ?year= may ask for.
MIN_YEAR, MAX_YEAR = 2000, 2100
YEAR_VALIDATORS = [MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]


def picked_year(text, default: int | None = None) -> int | None:
    """The year typed in `text` (`?year=2024`) when it is one a year field accepts, else `default`."""
    text = str(text or "").strip()
    return int(text) if text.isdigit() and MIN_YEAR <= int(text) <= MAX_YEAR else default
