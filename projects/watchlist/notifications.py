"""Emails to leadership: a critical flag opened, and the weekly digest. Each goes out once, whatever reruns."""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection, send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from projects.models import ComingDueDigestOptOut, DigestSent, Flag
from projects.watchlist.coming_due import due_deadlines, due_rows_of, what_stops_it
from projects.watchlist.evidence import short_name
from projects.watchlist.rules import describe
from tracker import access
from tracker.roles import COMMUNE_OFFICER, LEADERSHIP

COMING_DUE_DIGEST_DAYS = 30


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


def coming_due_digest_recipients():
    """Leadership and commune officers with an e-mail address who did not opt out."""
    opted_out = ComingDueDigestOptOut.objects.values("user_id")
    return list(
        get_user_model().objects.filter(groups__name__in=[LEADERSHIP, COMMUNE_OFFICER], is_active=True)
        .exclude(email="").exclude(pk__in=opted_out).distinct().order_by("pk")
    )


def send_coming_due_digest(today=None) -> int:
    """Once per ISO week (a `DigestSent` row "D<year>-W<week>"), each recipient gets what comes due in the next 30
    days among the projects they may see (a commune officer: their communes); nobody is written to about nothing.
    Sending fails as a whole: the claim is given back and the retried task sends again. Returns the e-mails sent."""
    today = today or timezone.localdate()
    year, week, _weekday = today.isocalendar()
    recipients = coming_due_digest_recipients()
    if not recipients:
        return 0
    try:
        with transaction.atomic():
            claim = DigestSent.objects.create(week=f"D{year}-W{week:02d}", sent_at=timezone.now(), recipients=0)
    except IntegrityError:
        return 0  # this week's coming-due digest is already out
    messages, by_scope = [], {}
    with override(settings.LANGUAGE_CODE):
        for user in recipients:
            scope = access.scoped_commune_ids(user)
            key = None if scope is None else tuple(sorted(scope))
            if key not in by_scope:  # leadership (every commune) is computed once
                by_scope[key] = due_rows_of(due_deadlines(user=user, today=today, days=COMING_DUE_DIGEST_DAYS), today)
            rows = by_scope[key]
            if not rows:
                continue
            lines = [f"- {row.crossing:%d/%m/%Y} · {row.project_code} {row.project.name}: {short_name(row.rule_code)}. "
                     f"{what_stops_it(row)}" for row in rows]
            subject = _("[Coming due] %(count)s threshold(s) in the next %(days)s days, week %(week)s") % {
                "count": len(rows), "days": COMING_DUE_DIGEST_DAYS, "week": f"{week}/{year}"}
            body = "\n".join([_("Projects that will cross a legal threshold in the next %(days)s days if nothing "
                                 "happens:") % {"days": COMING_DUE_DIGEST_DAYS}, "", *lines, "",
                               _("You receive this weekly digest as leadership or commune officer; you can stop it on "
                                 "the coming-due page.")])
            messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
    try:
        if messages:
            get_connection().send_messages(messages)
    except Exception:
        claim.delete()  # not sent: the retried task may send it
        raise
    DigestSent.objects.filter(pk=claim.pk).update(recipients=len(messages))
    return len(messages)
