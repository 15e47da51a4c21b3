"""Reads of API tokens: a user's own, or everyone's for an administrator."""
from django.contrib.auth import get_user_model
from django.http import Http404

from api.models import ApiToken, token_hash
from api.services import may_manage_tokens_of_others


def token_for_secret(secret: str) -> ApiToken | None:
    return ApiToken.objects.select_related("user").filter(key_hash=token_hash(secret)).first()


def tokens_visible_to(user):
    tokens = ApiToken.objects.select_related("user", "created_by", "revoked_by")
    if may_manage_tokens_of_others(user):
        return tokens
    return tokens.filter(user=user)


def token_get(*, pk: int, user) -> ApiToken:
    token = tokens_visible_to(user).filter(pk=pk).first()
    if token is None:
        raise Http404
    return token


def token_owners(user):
    """Whom this user may create a token for."""
    users = get_user_model().objects.filter(is_active=True).order_by("username")
    return users if may_manage_tokens_of_others(user) else users.filter(pk=user.pk)
