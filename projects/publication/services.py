"""Writes for the public lists: a leader approves a list as it was shown to them, which freezes it as the next
version; the public pages show that version until the next approval."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import Publication
from projects.publication.selectors import latest_publication, preparers, preview_rows, rows_digest

APPROVE_PERMISSION = "projects.approve_publication"


def publication_approve(*, kind: str, user, digest: str, prepared_by) -> Publication:
    """Freeze the list `kind` as it stands today, as its next version, prepared by `prepared_by` (one of
    `selectors.preparers()`) and approved by `user`.

    `digest` is the fingerprint of the rows the leader saw (selectors.rows_digest): when the data changed since,
    nothing is approved and the leader is asked to look again."""
    if not user.has_perm(APPROVE_PERMISSION):
        raise PermissionDenied
    if kind not in Publication.Kind.values:
        raise ValidationError(_("There is no such public list."))
    if prepared_by is None or not preparers().filter(pk=prepared_by.pk).exists():
        raise ValidationError(_("Choose who prepared the list (a staff member or a leader of the department)."))
    today = timezone.localdate()
    try:
        with transaction.atomic():
            rows = preview_rows(kind, today)
            if digest != rows_digest(rows):
                raise ValidationError(_(
                    "The list has changed since the page was opened. Check it again before approving it."
                ))
            last = latest_publication(kind)
            publication = Publication(
                kind=kind, version=(last.version + 1) if last else 1, rows=rows, prepared_by=prepared_by, approved_by=user,
                approved_on=timezone.now(), published_on=today,
            )
            publication._change_reason = _("Approved for publication")
            publication._history_user = user
            publication.save()
    except IntegrityError:  # another leader approved the same list at the same moment
        raise ValidationError(_("Another leader has just approved this list. Check it again.")) from None
    return publication
