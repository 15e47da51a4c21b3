"""Restore an archive written by `backup`: `python manage.py restore ARCHIVE [--force]`.

Checks every checksum first; refuses a database that has tables or a MEDIA_ROOT that has files unless --force;
restores, then compares every table's row count and every document's checksum with the manifest (exit status 1 on
any difference). Restore into a new, empty database (createdb), then run `migrate` if the code is newer than the
backup (tracker/backup.py)."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tracker.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore the database and the uploaded documents from a backup archive, and check them against it."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="an archive written by `manage.py backup`")
        parser.add_argument("--force", action="store_true",
                            help="replace what the target database and MEDIA_ROOT already hold")
        parser.add_argument("--database", default="default", help="the database alias (default: default)")

    def handle(self, *args, archive, force=False, database="default", **options):
        try:
            result = restore(Path(archive), force=force, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from None
        if result.replaced:
            self.stdout.write("Replaced: " + "; ".join(result.replaced))
        self.stdout.write(
            f"Restored {result.manifest['engine']} backup of {result.manifest['created_at']}: {result.tables} tables "
            f"and {result.rows} rows, {result.documents} document file(s); row counts and checksums match the manifest"
        )
