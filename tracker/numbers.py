"""Vietnamese number conventions: parse "1.234,5" or "1234.5", format as "1.234,5"; billions of VND to exact VND."""
import re
from decimal import Decimal, InvalidOperation

BILLION = 10**9

_THOUSANDS_DOTS = re.compile(r"^\d{1,3}(\.\d{3})+$")


def parse_decimal(text: str) -> Decimal:
    """Read a number typed the Vietnamese way (1.234,5) or the plain way (1234.5).

    A comma is always the decimal mark. Without a comma, dots that split the digits into groups of three
    (1.234 or 1.234.567) are thousands separators, because that is how Vietnamese staff type them; any other
    single dot (1234.5, 1.5) is a decimal point. Spaces (also non-breaking) are ignored.
    Raises ValueError when the text is not a number.
    """
    cleaned = re.sub(r"[\s\u00a0]", "", str(text))
    if not cleaned:
        raise ValueError("empty")
    sign = ""
    if cleaned[0] in "+-":
        sign, cleaned = ("-" if cleaned[0] == "-" else ""), cleaned[1:]
    if "," in cleaned:
        integer, _, fraction = cleaned.rpartition(",")
        if "," in integer or "." in fraction:
            raise ValueError(text)
        if "." in integer and not _THOUSANDS_DOTS.match(integer):
            raise ValueError(text)
        cleaned = integer.replace(".", "") + "." + fraction
    elif _THOUSANDS_DOTS.match(cleaned):
        cleaned = cleaned.replace(".", "")
    if not re.fullmatch(r"\d+(\.\d*)?|\.\d+", cleaned):
        raise ValueError(text)
    try:
        return Decimal(sign + cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the regex above already rules this out
        raise ValueError(text) from exc


def format_decimal(value, places: int | None = None) -> str:
    """Format a number as 1.234,5: dots between thousands, comma before the decimals, no trailing zeros."""
    if value is None or value == "":
        return ""
    number = Decimal(value)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places))
    sign = "-" if number < 0 else ""
    integer, _, fraction = format(abs(number), ",f").partition(".")  # 1,234.50: Python's grouping, then ours
    if places is None:
        fraction = fraction.rstrip("0")
    result = integer.replace(",", ".")
    if fraction:
        result += "," + fraction
    return sign + result


def billions_to_vnd(billions: Decimal) -> int:
    """Billions of VND (tỷ đồng) to exact VND; raises ValueError below one đồng."""
    vnd = Decimal(billions) * BILLION
    if vnd != vnd.to_integral_value():
        raise ValueError(billions)
    return int(vnd)


def vnd_to_billions(vnd: int | None) -> Decimal | None:
    """An amount in VND as billions, exactly (12_345_000_000 -> 12.345); zero is plain 0 whatever the exponent of
    the amount it came from (never 0E-9). The one conversion: pages, exports and the dashboard all call it."""
    if vnd is None:
        return None
    value = Decimal(vnd) / BILLION
    return Decimal(0) if value == 0 else value


def format_billions(vnd: int | None) -> str:
    """Integer VND shown in billions the Vietnamese way: 1234500000000 → "1.234,5"."""
    if vnd is None:
        return ""
    return format_decimal(vnd_to_billions(vnd))
