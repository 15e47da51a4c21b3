"""Run the watchlist rules now, as of a date: `python manage.py scan_watchlist [--as-of YYYY-MM-DD] [--known-now]
[--incremental] [--dry-run] [--format text|json]`. As of a past date it reproduces what the watchlist could say
that day, from what had been recorded by then; with --known-now, from everything recorded until now."""
import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from projects.watchlist.scans import run_scan


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of must be a date as YYYY-MM-DD, not {value!r}") from None


class Command(BaseCommand):
    help = "Evaluate every watchlist rule over all projects as of a date (default today) and update the flags."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=str, default=None, help="the date to evaluate as of (YYYY-MM-DD)")
        parser.add_argument("--known-now", action="store_true",
                            help="as of a past date, read everything recorded until now (default: what was recorded by then)")
        parser.add_argument("--incremental", action="store_true",
                            help="only the projects due (next check date reached, or changed since their last scan)")
        parser.add_argument("--dry-run", action="store_true", help="print the findings, write nothing")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, as_of=None, dry_run=False, format="text", known_now=False, incremental=False, **options):
        result = run_scan(as_of=_date(as_of) if as_of else None, dry_run=dry_run, as_recorded=not known_now,
                          incremental=incremental)
        rows = [
            {"project_code": code, "rule": rule, "severity": finding.severity, "since": finding.since.isoformat(),
             "evidence": finding.evidence, "ground": finding.ground}
            for _project_id, code, rule, finding in result.findings
        ]
        if format == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            self.stdout.write(f"{row['project_code']:<16} {row['rule']:<24} {row['severity']:<9} {row['since']}")
        summary = f"{len(rows)} finding(s) as of {result.as_of.isoformat()}"
        if dry_run:
            summary += " (dry run: nothing written)"
        else:
            summary += f"; flags opened {result.opened}, kept {result.kept}, closed {result.closed}"
        self.stdout.write(self.style.SUCCESS(summary))
