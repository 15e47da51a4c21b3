"""What each public list shows: its fields, in order, each with its label and how its value is read back from the
snapshot. These keys are the only ones a snapshot may hold (nothing personal, no internal note)."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from projects.models import Flag, LandUseExtension, Publication

Kind = Publication.Kind


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    type: str = "text"  # text, date (ISO in the snapshot), area (a decimal as text), state, clock, ground


PROJECT = [
    Field("code", _("Project code")),
    Field("project", _("Project")),
    Field("investor", _("Investor")),
    Field("cluster", _("Industrial cluster")),
    Field("commune", _("Commune")),
]
BASIS = Field("basis", _("Legal basis"))
STATE = Field("state", _("Handling"), "state")

FIELDS = {
    Kind.LAND_UNUSED: PROJECT + [
        Field("handed_over", _("Land handed over on site"), "date"),
        Field("since", _("Unused for 12 months from"), "date"),
        BASIS, STATE,
    ],
    Kind.LAND_DELAY: PROJECT + [
        Field("completion_deadline", _("Construction completion deadline"), "date"),
        Field("since", _("24 months behind schedule from"), "date"),
        BASIS, STATE,
    ],
    Kind.EXTENDED: PROJECT + [
        Field("clock", _("Extension of"), "clock"),
        Field("decision_number", _("Decision no.")),
        Field("decision_date", _("Decision date"), "date"),
        Field("start", _("Extended from"), "date"),
        Field("end", _("Extended until"), "date"),
        BASIS,
    ],
    Kind.FORCE_MAJEURE: PROJECT + [
        Field("start", _("Force majeure from"), "date"),
        Field("end", _("Force majeure until"), "date"),
        BASIS,
    ],
    Kind.VIOLATIONS: PROJECT + [
        Field("violation", _("Violation")),
        Field("since", _("Since"), "date"),
        BASIS,
        Field("ground", _("Ground"), "ground"),
        STATE,
        Field("handled_on", _("Last handled on"), "date"),
    ],
    Kind.UNLEASED: [
        Field("code", _("Cluster code")),
        Field("cluster", _("Industrial cluster")),
        Field("commune", _("Commune")),
        Field("industrial_land_ha", _("Industrial land (ha)"), "area"),
        Field("leased_ha", _("Leased (ha)"), "area"),
        Field("unleased_ha", _("Unleased (ha)"), "area"),
    ],
}
PUBLIC_KEYS = {kind: {field.key for field in fields} for kind, fields in FIELDS.items()}

_GROUNDS = dict(Flag._meta.get_field("ground").choices)


def value(field: Field, row: dict):
    """A snapshot's value as the page and the files show it: dates as dates, areas as decimals, codes in words (in
    the language of the reader)."""
    raw = row.get(field.key)
    if raw in (None, ""):
        return None
    if field.type == "date":
        return date.fromisoformat(raw)
    if field.type == "area":
        return Decimal(raw)
    if field.type == "state":
        return Flag.State(raw).label
    if field.type == "clock":
        return LandUseExtension.Clock(raw).label
    if field.type == "ground":
        return _GROUNDS.get(raw, raw)
    return raw


def row_key(kind: str, row: dict) -> tuple:
    """What identifies a row between two versions of a list: the project (or cluster) and what it is listed for."""
    extra = {Kind.EXTENDED: "clock", Kind.FORCE_MAJEURE: "start", Kind.VIOLATIONS: "violation"}.get(kind)
    return (row.get("code"), row.get(extra) if extra else None)
