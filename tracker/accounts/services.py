"""The writes around passwords: the administrator's request for a change, the change that clears it, and the
limits on reset e-mails."""
from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from tracker.models import PasswordState
from tracker.queue import send_on_commit

RESET_WINDOW_SECONDS = 3600


def must_change_password(user) -> bool:
    """Whether an administrator asked this user to change their password (and they have not yet)."""
    if not user.is_authenticated:
        return False
    try:
        return user.password_state.must_change  # joined to the user's own query by the backend
    except PasswordState.DoesNotExist:
        return False


def password_change_require(*, users, reason: str = "") -> int:
    """Ask each user to change their password on their next page; returns how many had not been asked yet."""
    asked = 0
    for user in users:
        state, _created = PasswordState.objects.get_or_create(user=user)
        if not state.must_change:
            state.must_change = True
            state._change_reason = reason
            state.save()
            asked += 1
    return asked


def password_changed(*, user, reason: str = "") -> PasswordState:
    """After a change or a reset: the administrator's request is met, the time is kept, and the failed logins
    that locked the user out (django-axes) are forgotten, so the new password works at once."""
    state, _created = PasswordState.objects.get_or_create(user=user)
    state.must_change = False
    state.changed_at = timezone.now()
    state._change_reason = reason
    state.save()
    axes_reset(username=user.get_username())
    return state


def _count(key: str) -> int:
    """Add one to a counter that lives RESET_WINDOW_SECONDS from its first hit; returns the new value."""
    cache.add(key, 0, RESET_WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RESET_WINDOW_SECONDS)
        return 1


def password_reset_allowed_from(address: str | None) -> bool:
    """At most PASSWORD_RESET_PER_HOUR reset requests an hour from one client address."""
    return _count(f"password-reset:address:{address or '-'}") <= settings.PASSWORD_RESET_PER_HOUR


def password_reset_allowed_to(email: str) -> bool:
    """At most PASSWORD_RESET_PER_HOUR reset e-mails an hour to one address, counted whether or not a user has
    it, so the answer says nothing about the address."""
    return _count(f"password-reset:email:{email.strip().lower()}") <= settings.PASSWORD_RESET_PER_HOUR


def email_send(*, subject: str, body: str, to: str) -> None:
    """Send an e-mail through EMAIL_BACKEND from the worker once the transaction commits, so the page answers as
    fast whether or not a message goes out; a broker that cannot be reached sends it from here instead."""

    def now():
        from django.core.mail import send_mail

        send_mail(subject, body, None, [to], fail_silently=True)

    send_on_commit("tracker.tasks.send_email", subject, body, to, on_error=now)
