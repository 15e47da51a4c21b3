"""Backup and restore of the database and the uploaded documents (`manage.py backup`, `manage.py restore`).

One archive (tar, gzip) holds `manifest.json`, the database and MEDIA_ROOT under `media/`:

- PostgreSQL: `pg_dump --format=custom` of a snapshot exported by a read-only REPEATABLE READ transaction, in
  which the rows of every table are counted too, so the counts are those of the dump even while people write.
- SQLite: a copy made with SQLite's online backup API (consistent while the web and the worker write), counted in
  the copy.

The manifest lists the engine, the row count of every table, and the size and SHA-256 of the database file and of
every document. Restore checks every checksum before it touches anything, refuses a target that already has tables
or documents unless told to replace them (`force`), restores, then counts the rows and hashes the documents again
and fails when anything differs from the manifest.
"""
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
MEDIA = "media"
CHUNK = 1024 * 1024
TABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
SQLITE_BUSY, SQLITE_LOCKED = 5, 6
BUSY_SLEEP, BUSY_TIMEOUT = 0.25, 30


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


@dataclass
class Restored:
    """What a restore did: the manifest it followed and the tables and documents it checked."""

    manifest: dict
    tables: int = 0
    rows: int = 0
    documents: int = 0
    replaced: list = field(default_factory=list)


# ---- backup ----------------------------------------------------------------------------------------------------


def backup(path: Path, *, using: str = "default") -> dict:
    """Write an archive of the database and MEDIA_ROOT to `path` (written beside it, then renamed, so a backup
    cut short never looks complete); returns its manifest."""
    connection = connections[using]
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(f"backups support PostgreSQL and SQLite, not {connection.vendor}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tracker-backup-") as work:
        database = Path(work) / DATABASE_FILES[connection.vendor]
        if connection.vendor == "postgresql":
            tables = _dump_postgresql(connection, database)
        else:
            tables = _dump_sqlite(connection, database)
        media_root = Path(settings.MEDIA_ROOT)
        partial = path.with_name(path.name + ".partial")
        try:
            with tarfile.open(partial, "w:gz") as archive:
                described = _add(archive, database, database.name)
                documents = {}
                # After the database: a document uploaded meanwhile is archived without its row (harmless); each
                # file is read once, hashed as it is written.
                for name in _media_files(media_root):
                    try:
                        documents[name] = _add(archive, media_root / name, f"{MEDIA}/{name}")
                    except FileNotFoundError:
                        continue  # deleted since it was listed
                manifest = {
                    "format": FORMAT,
                    "created_at": timezone.now().isoformat(),
                    "engine": connection.vendor,
                    "database": {"file": database.name, **described},
                    "tables": tables,
                    "media": documents,
                }
                data = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
                archive.addfile(info, io.BytesIO(data))
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise BackupError(f"the archive could not be written ({error})") from None
        os.replace(partial, path)
    return manifest


def _dump_postgresql(connection, target: Path) -> dict[str, int]:
    """pg_dump of one snapshot, and the row counts of every table in that same snapshot."""
    import psycopg

    params = connection.get_connection_params()
    for django_only in ("cursor_factory", "context"):
        params.pop(django_only, None)
    with psycopg.connect(**params) as snapshot:
        snapshot.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        snapshot.read_only = True
        snapshot_id = snapshot.execute("SELECT pg_export_snapshot()").fetchone()[0]
        tables = _count_rows(snapshot, _postgresql_tables(snapshot))
        # The snapshot lives as long as this transaction: pg_dump must run before it ends.
        _run(["pg_dump", "--format=custom", f"--snapshot={snapshot_id}", f"--file={target}"], connection)
    return tables


def _postgresql_tables(pg) -> list[str]:
    rows = pg.execute(
        "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    ).fetchall()
    return [row[0] for row in rows]


def _dump_sqlite(connection, target: Path) -> dict[str, int]:
    if connection.in_atomic_block:
        # SQLite's backup cannot read past this connection's own open write transaction: it would wait forever.
        raise BackupError("a backup cannot run inside a transaction")
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    waits = 0

    def give_up_when_busy_too_long(status, remaining, total):
        nonlocal waits
        waits = waits + 1 if status in (SQLITE_BUSY, SQLITE_LOCKED) else 0
        if waits * BUSY_SLEEP > BUSY_TIMEOUT:
            raise BackupError(f"the SQLite database stayed locked for {BUSY_TIMEOUT} seconds; try again")

    try:
        connection.connection.backup(copy, progress=give_up_when_busy_too_long, sleep=BUSY_SLEEP)
    finally:
        copy.close()
    return _sqlite_counts(target)


def _sqlite_counts(path: Path) -> dict[str, int]:
    database = sqlite3.connect(path)
    try:
        return _count_rows(database, _sqlite_tables(database))
    finally:
        database.close()


def _sqlite_tables(database) -> list[str]:
    rows = database.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    return [row[0] for row in rows]


def _count_rows(database, tables) -> dict[str, int]:
    return {
        table: database.execute(f'SELECT COUNT(*) FROM "{table.replace(chr(34), chr(34) * 2)}"').fetchone()[0]
        for table in tables
    }


def _media_files(root: Path) -> list[str]:
    """The regular files under MEDIA_ROOT, as POSIX paths relative to it (links are not followed)."""
    if not root.is_dir():
        return []
    return sorted(
        path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file() and not path.is_symlink()
    )


class _Hashing(io.RawIOBase):
    """Reads a file and hashes what was read."""

    def __init__(self, handle):
        self.handle, self.digest, self.size = handle, hashlib.sha256(), 0

    def readable(self):
        return True

    def read(self, size=-1):
        chunk = self.handle.read(size)
        self.digest.update(chunk)
        self.size += len(chunk)
        return chunk


def _add(archive, path: Path, name: str) -> dict:
    """Add one file to the archive, reading it once; its size and SHA-256 as written."""
    with open(path, "rb") as handle:
        info = archive.gettarinfo(fileobj=handle, arcname=name)
        reader = _Hashing(handle)
        archive.addfile(info, reader)  # tarfile raises OSError if the file shrank while it was read
    return {"size": reader.size, "sha256": reader.digest.hexdigest()}


def _describe(path: Path) -> dict:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return {"size": size, "sha256": digest.hexdigest()}


def _pg_environment(connection) -> dict:
    """The libpq variables pg_dump and pg_restore connect with: those of Django's connection."""
    params = connection.settings_dict
    env = {**os.environ, "PGDATABASE": params["NAME"]}
    for key, variable in (("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"), ("HOST", "PGHOST"), ("PORT", "PGPORT")):
        if params.get(key):
            env[variable] = str(params[key])
    if params.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = params["OPTIONS"]["sslmode"]
    return env


def _run(command: list[str], connection) -> None:
    try:
        result = subprocess.run(command, env=_pg_environment(connection), capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(
            f"{command[0]} is not installed (apt-get install postgresql-client, of the server's version or newer)"
        ) from None
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


# ---- restore ---------------------------------------------------------------------------------------------------


def restore(path: Path, *, force: bool = False, using: str = "default") -> Restored:
    """Restore an archive written by `backup` into the database `using` and MEDIA_ROOT.

    Every checksum is checked before anything is touched. The target must have no table and MEDIA_ROOT no file,
    unless `force`: then the database's objects that the backup holds are dropped and recreated, and the documents
    replaced. Afterwards the rows of every table and the documents' checksums are compared with the manifest."""
    connection = connections[using]
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="tracker-restore-") as work:
        staged = Path(work)
        manifest = _unpack(Path(path), staged)
        if manifest["engine"] != connection.vendor:
            raise BackupError(
                f"the archive holds a {manifest['engine']} database; the target database is {connection.vendor}"
            )
        replaced = _non_empty(connection, media_root)
        if replaced and not force:
            raise BackupError(
                "the target is not empty (" + "; ".join(replaced) + "): restore into a new, empty database and an "
                "empty MEDIA_ROOT, or pass --force to replace what is there"
            )
        database = staged / manifest["database"]["file"]
        if connection.vendor == "postgresql":
            _restore_postgresql(connection, database, clean=bool(replaced))
        else:
            _restore_sqlite(connection, database)
        _restore_media(staged / MEDIA, media_root, manifest["media"], replace=bool(replaced))
    result = _verify(connection, media_root, manifest)
    result.replaced = replaced
    return result


def _unpack(path: Path, staged: Path) -> dict:
    """Extract the archive into `staged`, refusing any member that is not a plain file of the backup's layout, and
    check every file against the manifest."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    try:
        archive = tarfile.open(path, "r:*")
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"{path} is not a backup archive ({error})") from None
    found = {}
    with archive:
        try:
            for member in archive:
                name = PurePosixPath(member.name)
                if not member.isfile() or name.is_absolute() or ".." in name.parts:
                    raise BackupError(f"{path} holds {member.name!r}, which no backup writes: refused")
                target = staged.joinpath(*name.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.extractfile(member) as source, open(target, "wb") as copy:
                    shutil.copyfileobj(source, copy, CHUNK)
                found[name.as_posix()] = target
        except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
            raise BackupError(f"{path} is damaged ({error})") from None
    if MANIFEST not in found:
        raise BackupError(f"{path} has no {MANIFEST}: it is not a backup of this tracker")
    try:
        manifest = json.loads(found.pop(MANIFEST).read_text(encoding="utf-8"))
        expected = {manifest["database"]["file"]: manifest["database"]}
        expected.update({f"{MEDIA}/{name}": described for name, described in manifest["media"].items()})
        if manifest["format"] != FORMAT or manifest["engine"] not in DATABASE_FILES:
            raise KeyError("format")
        if manifest["database"]["file"] != DATABASE_FILES[manifest["engine"]]:
            raise KeyError("database")
        # Table names go into the SQL of the check after the restore: plain identifiers and counts only.
        if not all(TABLE_NAME.fullmatch(table) and type(count) is int for table, count in manifest["tables"].items()):
            raise ValueError("tables")
    except (ValueError, KeyError, TypeError, AttributeError):
        raise BackupError(f"{path} has a manifest this version cannot read") from None
    missing = sorted(set(expected) - set(found))
    extra = sorted(set(found) - set(expected))
    if missing or extra:
        raise BackupError(f"{path} does not match its manifest: missing {missing or 'nothing'}, "
                          f"not listed {extra or 'nothing'}")
    for name, described in expected.items():
        if _describe(found[name]) != {"size": described["size"], "sha256": described["sha256"]}:
            raise BackupError(f"{path}: {name} does not match its checksum in the manifest; nothing was restored")
    return manifest


def _non_empty(connection, media_root: Path) -> list[str]:
    """What the target already holds, in words: its tables, its documents."""
    found = []
    tables = connection.introspection.table_names()
    if tables:
        found.append(f"the database has {len(tables)} table(s)")
    documents = _media_files(media_root)
    if documents:
        found.append(f"MEDIA_ROOT {media_root} has {len(documents)} file(s)")
    return found


def _restore_postgresql(connection, dump: Path, *, clean: bool) -> None:
    connection.close()  # no session of ours holds a lock on what pg_restore replaces
    command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
               f"--dbname={connection.settings_dict['NAME']}"]
    if clean:
        command += ["--clean", "--if-exists"]
    _run([*command, str(dump)], connection)


def _restore_sqlite(connection, copy: Path) -> None:
    connection.close()
    source = sqlite3.connect(copy)
    try:
        target = sqlite3.connect(connection.settings_dict["NAME"])
        try:
            source.backup(target)  # replaces every page of the target: nothing of what was there is left
        finally:
            target.close()
    finally:
        source.close()


def _restore_media(staged: Path, media_root: Path, documents: dict, *, replace: bool) -> None:
    if replace:
        for name in _media_files(media_root):
            (media_root / name).unlink()
    for name in documents:
        target = media_root.joinpath(*PurePosixPath(name).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(staged.joinpath(*PurePosixPath(name).parts), target)


def _verify(connection, media_root: Path, manifest: dict) -> Restored:
    """Count every table's rows and hash every document again; any difference from the manifest is an error."""
    counts = {}
    with connection.cursor() as cursor:
        for table in manifest["tables"]:
            try:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            except DatabaseError:
                counts[table] = None  # the table is missing
                continue
            counts[table] = cursor.fetchone()[0]
    differences = [
        f"{table}: {'missing' if counts[table] is None else f'{counts[table]} row(s)'}, the backup has {expected}"
        for table, expected in manifest["tables"].items()
        if counts[table] != expected
    ]
    for name, described in manifest["media"].items():
        path = media_root.joinpath(*PurePosixPath(name).parts)
        if not path.is_file() or _describe(path)["sha256"] != described["sha256"]:
            differences.append(f"{MEDIA}/{name}: not as in the backup")
    if differences:
        raise BackupError("the restored data differs from the backup: " + "; ".join(differences))
    return Restored(manifest=manifest, tables=len(counts), rows=sum(manifest["tables"].values()),
                    documents=len(manifest["media"]))
