"""Backup and restore (issue 13, "Also"): one archive of the database and the documents, restored into a fresh
database and checked against its manifest; the restore drill on PostgreSQL; damaged archives and non-empty targets
refused before anything is touched."""
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from projects.services import document_create

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + bytes(range(256)) * 8


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def document(project):
    return document_create(
        project=project, title="Quyết định chủ trương", kind="policy_approval",
        file=SimpleUploadedFile("quyet-dinh.pdf", PDF, content_type="application/pdf"),
    )


def _counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _manage(tmp_path, database_url, *args):
    """A manage.py command in its own process, on another database and MEDIA_ROOT, as an operator runs it."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tracker.settings", "DATABASE_URL": database_url,
           "VAR_DIR": str(tmp_path / "restored-var"), "MEDIA_ROOT": str(tmp_path / "restored-media")}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, capture_output=True,
                          text=True, timeout=300)


def _sqlite_counts(path: Path) -> dict[str, int]:
    database = sqlite3.connect(path)
    try:
        tables = [row[0] for row in database.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {table: database.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables}
    finally:
        database.close()


def _rewrite(archive: Path, target: Path, change):
    """A copy of the archive with `change(name, data) -> data | None` applied to each member (None drops it)."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as copy:
        for member in source:
            data = change(member.name, source.extractfile(member).read())
            if data is not None:
                info = tarfile.TarInfo(member.name)
                info.size = len(data)
                copy.addfile(info, io.BytesIO(data))
    return target


def _edit_manifest(data: bytes, change) -> bytes:
    manifest = json.loads(data)
    change(manifest)
    return json.dumps(manifest).encode()


# ---- the restore drill on PostgreSQL -----------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_restore_drill_on_postgresql_into_a_fresh_database(tmp_path, document, make_user):
    make_user("lanhdao", "leadership")
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive))
    source = _counts()
    assert source["projects_document"] == 1 and source["projects_project"] == 1

    params = connection.settings_dict
    scratch = f"{params['NAME']}_restore"
    auth = quote(params["USER"] or "postgres") + (f":{quote(params['PASSWORD'])}" if params["PASSWORD"] else "")
    url = f"postgres://{auth}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{scratch}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        cursor.execute(f'CREATE DATABASE "{scratch}"')
    try:
        result = _manage(tmp_path, url, "restore", str(archive))
        assert result.returncode == 0, result.stderr
        assert "row counts and checksums match the manifest" in result.stdout

        # Compared here too, independently of the command: every table's rows and the document's bytes.
        import psycopg

        with psycopg.connect(dbname=scratch, user=params["USER"] or None, password=params["PASSWORD"] or None,
                             host=params["HOST"] or None, port=params["PORT"] or None) as restored:
            for table, count in source.items():
                assert restored.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] == count, table
            name = restored.execute("SELECT file FROM projects_document").fetchone()[0]
        assert name == document.file.name
        assert _sha256(tmp_path / "restored-media" / name) == hashlib.sha256(PDF).hexdigest()
        assert _sha256(tmp_path / "restored-media" / name) == _sha256(Path(document.file.path))

        # A second restore into the database, now full, is refused and changes nothing.
        again = _manage(tmp_path, url, "restore", str(archive))
        assert again.returncode == 1
        assert "the target is not empty" in again.stderr and "--force" in again.stderr
        # With --force it replaces what is there and checks it again.
        forced = _manage(tmp_path, url, "restore", "--force", str(archive))
        assert forced.returncode == 0, forced.stderr
        assert "Replaced: the database has" in forced.stdout
    finally:
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')

    # A PostgreSQL backup does not go into SQLite.
    wrong = _manage(tmp_path, f"sqlite:///{tmp_path / 'other.sqlite3'}", "restore", str(archive))
    assert wrong.returncode == 1 and "holds a postgresql database; the target database is sqlite" in wrong.stderr


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_manifest_counts_the_rows_of_the_dump(tmp_path, project):
    manifest = call_command_manifest(tmp_path)
    assert manifest["engine"] == "postgresql"
    assert manifest["tables"] == _counts()


def call_command_manifest(tmp_path) -> dict:
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive))
    with tarfile.open(archive) as opened:
        return json.load(opened.extractfile("manifest.json"))


# ---- SQLite: the round trip and the refusals ----------------------------------------------------------------------


@pytest.fixture
def sqlite_only(transactional_db):
    """On SQLite (the tests carry the `sqlite` marker; the PostgreSQL drill is above), with the test's rows
    committed: the backup reads the database as another process would."""
    assert connection.vendor == "sqlite"


@pytest.mark.sqlite
def test_backup_and_restore_on_sqlite_into_a_fresh_file(sqlite_only, tmp_path, document):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive))
    source = _counts()
    target = tmp_path / "restored.sqlite3"

    result = _manage(tmp_path, f"sqlite:///{target}", "restore", str(archive))
    assert result.returncode == 0, result.stderr
    assert _sqlite_counts(target) == source
    assert _sha256(tmp_path / "restored-media" / document.file.name) == hashlib.sha256(PDF).hexdigest()

    refused = _manage(tmp_path, f"sqlite:///{target}", "restore", str(archive))
    assert refused.returncode == 1 and "the target is not empty" in refused.stderr


@pytest.mark.sqlite
def test_an_empty_media_root_and_a_fresh_database_make_a_valid_backup(sqlite_only, tmp_path):
    manifest = call_command_manifest(tmp_path)
    assert manifest["media"] == {}
    assert manifest["tables"]["django_migrations"] > 0
    result = _manage(tmp_path, f"sqlite:///{tmp_path / 'restored.sqlite3'}", "restore", str(tmp_path / "backup.tar.gz"))
    assert result.returncode == 0, result.stderr


@pytest.mark.sqlite
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda name, data: data + b"x" if name.startswith("media/") else data, "does not match its checksum"),
        (lambda name, data: data[:-1] + bytes([data[-1] ^ 1]) if name == "database.sqlite3" else data,
         "does not match its checksum"),
        (lambda name, data: None if name.startswith("media/") else data, "does not match its manifest: missing"),
        (lambda name, data: None if name == "manifest.json" else data, "has no manifest.json"),
        (lambda name, data: b"{" if name == "manifest.json" else data, "has a manifest this version cannot read"),
        (lambda name, data: _edit_manifest(data, lambda m: m["tables"].update({'x"; DROP TABLE y; --': 1}))
         if name == "manifest.json" else data, "has a manifest this version cannot read"),
        (lambda name, data: _edit_manifest(data, lambda m: m.update(format=2)) if name == "manifest.json" else data,
         "has a manifest this version cannot read"),
    ],
    ids=["document-changed", "database-changed", "document-missing", "no-manifest", "broken-manifest",
         "table-name-not-an-identifier", "newer-format"],
)
def test_a_damaged_archive_is_refused_before_anything_is_touched(sqlite_only, tmp_path, document, change, message):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive))
    damaged = _rewrite(archive, tmp_path / "damaged.tar.gz", change)
    target = tmp_path / "restored.sqlite3"

    result = _manage(tmp_path, f"sqlite:///{target}", "restore", str(damaged))
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "restored-media").exists() or not any((tmp_path / "restored-media").rglob("*.pdf"))
    assert not target.exists() or _sqlite_counts(target) == {}


@pytest.mark.sqlite
@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "is not a backup archive"), (b"%PDF-1.4 not an archive", "is not a backup archive")],
)
def test_a_file_that_is_no_archive_is_refused_with_a_message(sqlite_only, tmp_path, content, message):
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(content)
    result = _manage(tmp_path, f"sqlite:///{tmp_path / 'restored.sqlite3'}", "restore", str(bogus))
    assert result.returncode == 1 and message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.sqlite
def test_an_archive_member_outside_the_layout_is_refused(sqlite_only, tmp_path):
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as archive:
        info = tarfile.TarInfo("../outside.txt")
        info.size = 1
        archive.addfile(info, io.BytesIO(b"x"))
    result = _manage(tmp_path, f"sqlite:///{tmp_path / 'restored.sqlite3'}", "restore", str(evil))
    assert result.returncode == 1 and "which no backup writes" in result.stderr
    assert not (tmp_path / "outside.txt").exists()


@pytest.mark.sqlite
def test_a_backup_inside_an_open_transaction_is_refused_instead_of_waiting_forever(tmp_path, db):
    # (On PostgreSQL pg_dump reads its own snapshot whatever the caller's transaction.)
    with pytest.raises(CommandError, match="cannot run inside a transaction"):
        call_command("backup", str(tmp_path / "backup.tar.gz"))
    assert not (tmp_path / "backup.tar.gz").exists()
