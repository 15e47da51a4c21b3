"""Template filters of the watchlist pages: a rule's short name, a flag's evidence in words."""
from django import template

from projects.watchlist.evidence import evidence_rows, short_name

register = template.Library()


@register.filter
def rule_label(rule) -> str:
    """The rule's short Vietnamese name (its code is for the technical team)."""
    return short_name(getattr(rule, "code", rule))


@register.filter
def evidence(flag) -> list:
    return evidence_rows(getattr(flag, "evidence", None))
