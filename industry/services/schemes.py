"""Writes for khuyến công schemes and the year's plan."""
from django.db import transaction

from industry.models import Scheme, SchemePlan
from tracker.services import model_save


@transaction.atomic
def scheme_create(*, user=None, change_reason: str = "", **fields) -> Scheme:
    return model_save(Scheme(), fields=fields, user=user, change_reason=change_reason)


@transaction.atomic
def scheme_update(*, scheme: Scheme, user=None, change_reason: str = "", expected_version: int | None = None,
                  **fields) -> Scheme:
    return model_save(scheme, fields=fields, user=user, change_reason=change_reason, expected_version=expected_version)


@transaction.atomic
def scheme_plan_save(*, plan: SchemePlan | None = None, user=None, change_reason: str = "",
                     expected_version: int | None = None, **fields) -> SchemePlan:
    """Create or change a year's plan (leadership); every change is in the plan's history."""
    return model_save(plan or SchemePlan(), fields=fields, user=user, change_reason=change_reason,
                      expected_version=expected_version)
