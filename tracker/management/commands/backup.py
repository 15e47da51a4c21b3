"""Back up the database and the uploaded documents into one archive: `python manage.py backup [ARCHIVE]`.

PostgreSQL through pg_dump (custom format, one snapshot), SQLite through its online backup API; MEDIA_ROOT beside
it; a manifest with every table's row count and every file's SHA-256 (tracker/backup.py). Default archive:
VAR_DIR/backups/tracker-YYYYMMDD-HHMMSS.tar.gz."""
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tracker.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write one archive of the database and the uploaded documents, with a manifest of row counts and checksums."

    def add_arguments(self, parser):
        parser.add_argument("archive", nargs="?", help="where to write it (default: VAR_DIR/backups/tracker-<time>.tar.gz)")
        parser.add_argument("--database", default="default", help="the database alias (default: default)")

    def handle(self, *args, archive=None, database="default", **options):
        if archive is None:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            archive = Path(settings.VAR_DIR) / "backups" / f"tracker-{stamp}.tar.gz"
        try:
            manifest = backup(Path(archive), using=database)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Backed up {manifest['engine']}: {len(manifest['tables'])} tables, {sum(manifest['tables'].values())} "
            f"rows, {len(manifest['media'])} document file(s) to {archive}"
        )
