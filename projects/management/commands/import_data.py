"""Import a file in the shape of the import template:
`python manage.py import_data FILE [--dry-run] [--kind clusters|projects|capital_reports|production_index|electricity] [--user NAME] [--reason TEXT]`.

It prints every row's problem as `row N, column C, value "V": message` and a summary; it exits with status 1 and
writes nothing if any row is invalid (or the file cannot be read), 0 otherwise.
"""
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from projects.imports.specs import ORDER
from projects.imports.engine import run_import


class Command(BaseCommand):
    help = "Check and import clusters, projects and capital reports from an .xlsx or .csv file (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx or .csv file")
        parser.add_argument("--dry-run", action="store_true", help="check every row and print the summary; write nothing")
        parser.add_argument("--kind", choices=ORDER, help="what a CSV file holds (default: recognised from its columns)")
        parser.add_argument("--user", help="the username recorded in the change history (default: none)")
        parser.add_argument("--reason", default="", help="the reason recorded in the change history")
        parser.add_argument("--max-rows", type=int, default=None, help="at most this many data rows (default: setting)")

    def handle(self, *args, file, dry_run=False, kind=None, user=None, reason="", max_rows=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"--user {user}: no such user")
        with path.open("rb") as handle:
            outcome = run_import(
                handle,
                path.name,
                user=account,
                csv_kind=kind,
                commit=not dry_run,
                change_reason=reason,
                max_rows=max_rows or settings.IMPORT_MAX_ROWS,
            )
        for message in outcome.file_errors:
            self.stderr.write(f"error: {message}")
        for message in outcome.warnings:
            self.stderr.write(f"warning: {message}")
        for error in outcome.errors:
            self.stderr.write(str(error))
        counts = outcome.counts()
        summary = (
            f"{path.name}: {outcome.total_rows} row(s): {counts['create']} created, {counts['update']} updated, "
            f"{counts['unchanged']} unchanged, {counts['error']} invalid"
        )
        if not outcome.valid:
            self.stdout.write(summary + " — nothing written")
            sys.exit(1)
        if dry_run:
            summary += " (dry run: nothing written)"
        self.stdout.write(summary)
