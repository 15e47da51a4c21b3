"""Writes of API tokens: create (the secret is returned once, only its hash kept), revoke, note a use."""
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import TOKEN_PREFIX, ApiToken, token_hash

# A token's last use is written at most this often: a busy client does not write a row per request.
TOUCH_EVERY = timedelta(minutes=1)


def may_manage_tokens_of_others(user) -> bool:
    return bool(user.is_active and user.is_superuser)


@transaction.atomic
def token_create(*, user, name: str, days: int | None = None, created_by=None) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it and its secret, which is never stored and cannot be shown again."""
    created_by = created_by or user
    if created_by.pk != user.pk and not may_manage_tokens_of_others(created_by):
        raise PermissionDenied
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Give the token a name (what it is for).")
    days = settings.API_TOKEN_DEFAULT_DAYS if days is None else days
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        errors["days"] = _("A token lives from 1 to %(max)s days.") % {"max": settings.API_TOKEN_MAX_DAYS}
    if errors:
        raise ValidationError(errors)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user, name=name[:100], prefix=secret[: len(TOKEN_PREFIX) + 4], key_hash=token_hash(secret),
        created_by=created_by, expires_at=timezone.now() + timedelta(days=days),
    )
    token.full_clean()
    token.save()
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken, by) -> ApiToken:
    if token.user_id != by.pk and not may_manage_tokens_of_others(by):
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = by
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def token_touch(token: ApiToken, now=None) -> None:
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
