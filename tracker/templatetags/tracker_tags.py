"""Template helpers: money and areas the Vietnamese way, sortable column headers, URLs that keep the filters."""
from decimal import Decimal

from django import template
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.html import format_html

from tracker.legal import public_legal_basis
from tracker.numbers import format_billions, format_decimal

register = template.Library()


@register.filter
def has_field_errors(form) -> bool:
    """Is any field of the form wrong (not only the form as a whole, as after an edit conflict)?"""
    return any(name != NON_FIELD_ERRORS for name in form.errors)


@register.filter
def legal_basis(text):
    """A rule's legal basis without the notes meant for the developers (tracker.legal)."""
    return public_legal_basis(text)


@register.filter
def billions(vnd):
    """Integer VND as billions (tỷ đồng): 1234500000000 → 1.234,5."""
    return format_billions(vnd)


@register.filter
def number(value, places=None):
    """A number the Vietnamese way: 74.5 → 74,5; 1300 → 1.300."""
    if places in (None, ""):
        return format_decimal(value)
    return format_decimal(value, int(places))


@register.filter
def percent(value, places=1):
    if value is None:
        return "—"
    return format_decimal(value, int(places)) + " %"


@register.simple_tag(takes_context=True)
def url_replace(context, **kwargs):
    """The current query string with some parameters replaced (page, sort), the filters kept."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return "?" + query.urlencode() if query else "?"


@register.simple_tag(takes_context=True)
def sort_header(context, field, label, css=""):
    """A column's header cell that sorts by `field`, toggling ascending/descending. The sorted column's <th> says so
    in `aria-sort` (the cell, not the link, as ARIA wants; the other columns carry none) and shows an arrow that
    screen readers skip, since aria-sort already tells them."""
    request = context["request"]
    current = request.GET.get("o", "")
    if current == field:
        target, arrow, aria = "-" + field, "▲", "ascending"
    elif current == "-" + field:
        target, arrow, aria = field, "▼", "descending"
    else:
        target, arrow, aria = field, "", ""
    query = request.GET.copy()
    query["o"] = target
    query.pop("page", None)
    return format_html(
        '<th scope="col"{}{}><a href="?{}" class="text-decoration-none text-reset">{}{}</a></th>',
        format_html(' class="{}"', css) if css else "",
        format_html(' aria-sort="{}"', aria) if aria else "",
        query.urlencode(),
        label,
        format_html(' <span aria-hidden="true">{}</span>', arrow) if arrow else "",
    )


@register.filter
def plain(value):
    """A number for machines (a data attribute): 80.5, never localised, empty when unknown."""
    return "" if value is None else str(value)


@register.filter
def percent_of_one(fraction, places=0):
    """A share of one as a percentage: 0.25 → 25 %."""
    if fraction is None:
        return "—"
    return format_decimal(Decimal(fraction) * 100, int(places)) + " %"


@register.simple_tag
def share(part, whole, places=1):
    """part ÷ whole as a percentage, or — when there is no whole."""
    if not whole:
        return "—"
    return format_decimal(Decimal(part or 0) * 100 / Decimal(whole), int(places)) + " %"


@register.simple_tag(takes_context=True)
def url_replace_param(context, name, value):
    """url_replace for a parameter whose name is itself a variable (the search page's clusters_page…)."""
    return url_replace(context, **{name: value})


@register.filter
def signed_percent(value, places=2):
    """A change in per cent with its sign: 2.73 → +2,73 %; −10.58 → -10,58 %; None → —."""
    if value is None:
        return "—"
    text = format_decimal(value, int(places))
    return ("+" if Decimal(value) > 0 else "") + text + " %"


@register.filter
def signed_number(value, places=None):
    """A change with its sign, the Vietnamese way: 13 → +13; −106 → -106; None → —."""
    if value is None:
        return "—"
    text = format_decimal(value) if places in (None, "") else format_decimal(value, int(places))
    return ("+" if Decimal(value) > 0 else "") + text
