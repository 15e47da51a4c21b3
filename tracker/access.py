"""The one door to the data: which rows a user may see or change, for any model, from the model's own declaration.

A model says where its commune is (`commune_path = "cluster__commune"`); an action needs the model's Django
permission (`view`, `add`, `change`, `delete`). A user without the permission `tracker.access_all_communes`
(the commune officer) only reaches the rows of the communes assigned to them. This module imports no app, so every
app can import it.
"""
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

ACTIONS = ("view", "add", "change", "delete")
ALL_COMMUNES = "tracker.access_all_communes"


def permission_name(model: type[Model], action: str) -> str:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def can(user, model: type[Model], action: str) -> bool:
    """May the user do `action` on some rows of `model` at all (before the commune scope)?"""
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(permission_name(model, action)))


def scoped_commune_ids(user) -> list[int] | None:
    """The communes a user is limited to, or None when they reach every commune."""
    if user.is_superuser or user.has_perm(ALL_COMMUNES):
        return None
    cached = getattr(user, "_scoped_commune_ids", None)
    if cached is None:
        scope = getattr(user, "access_scope", None)  # a missing one-to-one row reads as None
        cached = list(scope.communes.values_list("pk", flat=True)) if scope else []
        user._scoped_commune_ids = cached
    return cached


def restrict(queryset: QuerySet, user, action: str = "view", *, permission_of: type[Model] | None = None) -> QuerySet:
    """The rows of `queryset` that `user` may `action`; none at all without the permission. A derived table (a
    summary of some model's rows) answers to the permission of that model: `permission_of`."""
    model = queryset.model
    if not can(user, permission_of or model, action):
        return queryset.none()
    communes = scoped_commune_ids(user)
    path = getattr(model, "commune_path", None)
    if communes is not None and path:
        queryset = queryset.filter(**{f"{path}__in": communes})
    return queryset


def require(user, model: type[Model], action: str) -> None:
    """403 unless the user may `action` some rows of `model`."""
    if not can(user, model, action):
        raise PermissionDenied


def get_for_user(queryset: QuerySet, user, action: str = "view", **lookup):
    """The object for this user: 404 when they may not see it (its existence does not leak), 403 when they may
    see it but not `action` it."""
    try:
        obj = restrict(queryset, user, "view").get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None
    if action != "view" and not restrict(queryset, user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied
    return obj
