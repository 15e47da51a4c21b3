"""The API token page (/api-tokens/): a user creates and revokes their own tokens; an administrator (superuser)
those of anyone. The secret is shown once: a creation redirects (so that reloading the page creates nothing), the
secret riding in the user's session to the page the redirect opens, which takes it out; only its hash is stored."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api.forms import TokenForm
from api.selectors import token_get, tokens_visible_to
from api.services import may_manage_tokens_of_others, token_create, token_revoke


NEW_SECRET = "api_token_secret"  # the session key that carries a new token's secret to the page that shows it


def tokens(request):
    secret = request.session.pop(NEW_SECRET, None) if request.method == "GET" else None
    if request.method == "POST":
        form = TokenForm(request.POST, user=request.user)
        if form.is_valid():
            owner = form.cleaned_data.get("user") or request.user
            try:
                token, secret = token_create(user=owner, name=form.cleaned_data["name"],
                                             days=form.cleaned_data["days"], created_by=request.user)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                request.session[NEW_SECRET] = secret
                return redirect("api_tokens:list")
    else:
        form = TokenForm(user=request.user)
    return render(request, "api/tokens.html", {
        "title": _("API tokens"),
        "form": form,
        "secret": secret,
        "tokens": tokens_visible_to(request.user)[:500],
        "all_users": may_manage_tokens_of_others(request.user),
    })


@require_POST
def revoke(request, pk: int):
    token = token_get(pk=pk, user=request.user)
    token_revoke(token=token, by=request.user)
    messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
    return redirect("api_tokens:list")


app_name = "api_tokens"
urlpatterns = [
    path("", tokens, name="list"),
    path("<int:pk>/revoke/", revoke, name="revoke"),
]
