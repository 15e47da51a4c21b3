"""Emails to leadership: a critical flag opened, and the weekly digest. Each goes out once, whatever reruns."""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from projects.models import DigestSent, Flag
from projects.watchlist.rules import describe
from tracker.roles import LEADERSHIP


def leadership_emails() -> list[str]:
    users = get_user_model().objects.filter(groups__name=LEADERSHIP, is_active=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def send_critical_flags(flag_ids) -> int:
    """Claim each flag (a conditional UPDATE: two workers cannot both claim it), then send one email."""
    recipients = leadership_emails()
    if not recipients:
        return 0  # nobody to tell yet: the flags stay unclaimed, the digest still lists them
    now = timezone.now()
    claimed = [pk for pk in flag_ids if Flag.objects.filter(pk=pk, notified_at__isnull=True).update(notified_at=now)]
    if not claimed:
        return 0
    flags = Flag.objects.filter(pk__in=claimed).select_related("project", "rule").order_by("project__code")
    with override(settings.LANGUAGE_CODE):
        lines = [
            f"- {flag.project.code} {flag.project.name}: {flag.rule.name}. {describe(flag.rule.code, flag.evidence, now.date())}"
            for flag in flags
        ]
        subject = _("[Watchlist] %(count)s new critical flag(s)") % {"count": len(lines)}
        body = "\n".join([_("New critical flags on the watchlist:"), "", *lines])
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except Exception:
        # Give the claim back, so the retried task sends them.
        Flag.objects.filter(pk__in=claimed, notified_at=now).update(notified_at=None)
        raise
    return len(lines)


def send_weekly_digest(today=None) -> int:
    today = today or timezone.localdate()
    year, week, _weekday = today.isocalendar()
    recipients = leadership_emails()
    if not recipients:
        return 0
    try:
        with transaction.atomic():
            claim = DigestSent.objects.create(week=f"{year}-W{week:02d}", sent_at=timezone.now(), recipients=len(recipients))
    except IntegrityError:
        return 0  # this week's digest is already out
    counts = (
        Flag.objects.filter(cleared_at__isnull=True)
        .exclude(state=Flag.State.DISMISSED)
        .values("rule__code", "rule__name", "severity")
        .annotate(n=Count("pk"))
        .order_by("rule__code", "severity")
    )
    with override(settings.LANGUAGE_CODE):
        lines = [f"- {row['rule__name']} ({row['severity']}): {row['n']}" for row in counts] or [_("No open flags.")]
        subject = _("[Watchlist] Weekly digest, week %(week)s") % {"week": f"{week}/{year}"}
        try:
            send_mail(subject, "\n".join([_("Open flags by rule:"), "", *lines]), settings.DEFAULT_FROM_EMAIL, recipients)
        except Exception:
            claim.delete()  # not sent: the retried task may send it
            raise
    return len(recipients)
