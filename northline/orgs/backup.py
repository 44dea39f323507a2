"""The whole installation as one file, and back (docs/security.md "Backups", docs/cli.md).

A backup file is one line of JSON in clear, the header, then the body::

    {"format": "northline-backup", "format_version": 1, "northline_version": "...",
     "created_at": "...", "database_vendor": "sqlite", "seal_key_fingerprint": "...",
     "migrations": {"orgs": ["0001_initial", ...], ...}, "encryption": null}

The body is a gzip stream of JSON lines. Without a passphrase it follows the header as is;
with one, it is cut into chunks of 64 KiB, each encrypted with AES-256-GCM under a key that
scrypt derives from the passphrase and a random salt (in the header's ``encryption``). A
chunk's nonce is its number and its associated data the header line plus a flag for the last
chunk, so a chunk moved, dropped or cut off, or a changed header, fails to decrypt.

The body's lines::

    {"table": "orgs.organization", "columns": ["id", "name", ...]}
    [1, "Acme Ministry", ...]                               one array per row, by pk
    {"end": "orgs.organization", "rows": 2}
    {"media": "path/in/media", "size": 123}                 uploaded files, if any
    {"data": "<base64 of at most 48 KiB>"}
    {"end_media": "path/in/media"}
    {"trailer": {"tables": {"orgs.organization": 2, ...}, "media_files": 0, "sha256": "..."}}

``sha256`` is the SHA-256 of the header line and of every body line before the trailer (each
with its newline): a restore reads the whole file and checks it before it writes anything.

What is carried: every row of every model of every installed app (Northline's, auth users and
groups, sessions, the django-tasks-db queue), except those in :data:`NOT_CARRIED`. Values are
written in a form both SQLite and PostgreSQL read back (ISO datetimes with their offset,
decimals as text, JSON as JSON), so a backup of one restores into the other. References to
content types and permissions, which ``migrate`` creates with ids of its own, travel by name.

Reading runs inside one transaction that sees a single moment of the database (REPEATABLE READ
on PostgreSQL; one deferred read transaction on SQLite, which in WAL mode does not block the
server's writers), so a backup taken while the server runs is consistent.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import gzip
import hashlib
import hmac
import json
import os
import secrets
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.duration import duration_string

from northline.lib.errors import Conflict, Invalid
from northline.orgs.models import Organization
from northline.orgs.transfer import (
    SEAL_KEY_FIELD,
    SEALED_MODELS,
    key_fingerprint,
    reset_sequences,
    seal_key_for,
)

FORMAT = "northline-backup"
FORMAT_VERSION = 1
HEADER_LIMIT = 1 << 20  # bytes: a longer first line is not a backup's header
CHUNK = 64 * 1024  # plaintext bytes per encrypted chunk
MEDIA_PIECE = 48 * 1024  # raw bytes per media data line
BATCH = 1000  # rows per read and per insert: memory stays bounded on a large installation
# scrypt at n = 2**15, r = 8 uses 32 MiB and about a tenth of a second: a guessed passphrase
# costs an attacker as much.
SCRYPT = {"n": 2**15, "r": 8, "p": 1}

# Models whose rows a backup leaves out, and why (docs/security.md "Backups").
NOT_CARRIED = {
    "contenttypes.contenttype": "created by migrate; references to them travel by name",
    "auth.permission": "created by migrate; references to them travel by name",
    "orgs.workerbeat": "signs of life of this machine's task workers, not data",
    "axes.accessattempt": "failed sign-ins that lock an account out for a while, not data",
    "axes.accessfailurelog": "failed sign-ins that lock an account out for a while, not data",
    "axes.accesslog": "sign-in records of this server's lockout guard, not data",
}


def carried_models() -> list[type[models.Model]]:
    """Every model whose rows a backup holds, ordered by label (the same on every machine)."""
    found = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.label_lower not in NOT_CARRIED
    ]
    return sorted(found, key=lambda model: model._meta.label_lower)


def northline_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("northline")
    except PackageNotFoundError:
        return "unknown"


# Values in a form every database reads back --------------------------------------------------


def by_name(field: models.Field[Any, Any]) -> type[models.Model] | None:
    """ContentType or Permission when ``field`` refers to one: those travel by name."""
    target = field.related_model if field.is_relation else None
    return target if target in (ContentType, Permission) else None


def encode(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return duration_string(value)
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def names_of(model: type[models.Model]) -> dict[int, list[str]]:
    """pk -> the natural key of each content type or permission."""
    if model is ContentType:
        return {
            pk: [app, name]
            for pk, app, name in ContentType.objects.values_list("pk", "app_label", "model")
        }
    rows = Permission.objects.values_list("pk", "content_type__app_label", "codename")
    return {pk: [app, codename] for pk, app, codename in rows}


# The file's layers -----------------------------------------------------------------------------


def derive_key(passphrase: str, salt: bytes, params: dict[str, int]) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    kdf = Scrypt(salt=salt, length=32, n=params["n"], r=params["r"], p=params["p"])
    return kdf.derive(passphrase.encode("utf-8"))


def key_check(key: bytes) -> str:
    """Tells a wrong passphrase from a damaged file without decrypting anything."""
    return hmac.new(key, b"northline-backup.key-check", hashlib.sha256).hexdigest()[:32]


class EncryptingWriter:
    """Encrypts what is written to it in numbered chunks (see the module docstring)."""

    def __init__(self, out: IO[bytes], key: bytes, header: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self.out, self.aead, self.header = out, AESGCM(key), header
        self.pending = bytearray()
        self.number = 0

    def write(self, data: bytes) -> int:
        self.pending += data
        while len(self.pending) > CHUNK:
            self.emit(bytes(self.pending[:CHUNK]), last=False)
            del self.pending[:CHUNK]
        return len(data)

    def flush(self) -> None:
        pass

    def finish(self) -> None:
        self.emit(bytes(self.pending), last=True)

    def emit(self, chunk: bytes, *, last: bool) -> None:
        nonce = self.number.to_bytes(12, "big")
        sealed = self.aead.encrypt(nonce, chunk, self.header + (b"\x01" if last else b"\x00"))
        self.out.write(len(sealed).to_bytes(4, "big") + sealed)
        self.number += 1


class DecryptingReader:
    """Reads back what :class:`EncryptingWriter` wrote; a chunk that fails is an error."""

    def __init__(self, source: IO[bytes], key: bytes, header: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self.source, self.aead, self.header = source, AESGCM(key), header
        self.buffer = b""
        self.number = 0
        self.ended = False

    def read(self, size: int = -1) -> bytes:
        while not self.ended and (size < 0 or len(self.buffer) < size):
            self.next_chunk()
        if size < 0:
            size = len(self.buffer)
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def next_chunk(self) -> None:
        from cryptography.exceptions import InvalidTag

        prefix = self.source.read(4)
        if len(prefix) < 4:
            raise Invalid("The backup is cut short: its last encrypted chunk is missing.")
        sealed = self.source.read(int.from_bytes(prefix, "big"))
        nonce = self.number.to_bytes(12, "big")
        for last in (False, True):
            try:
                chunk = self.aead.decrypt(
                    nonce, sealed, self.header + (b"\x01" if last else b"\x00")
                )
            except InvalidTag:
                continue
            self.buffer += chunk
            self.number += 1
            if last:
                self.ended = True
                if self.source.read(1):
                    raise Invalid("The backup has bytes after its last encrypted chunk.")
            return
        raise Invalid(f"The backup is damaged: encrypted chunk {self.number} does not verify.")


# Backup ----------------------------------------------------------------------------------------


@dataclass
class Written:
    """What a backup holds."""

    tables: dict[str, int]
    media_files: int
    sha256: str
    encrypted: bool


Progress = Callable[[str, int], None]


def write_backup(
    out: IO[bytes], *, passphrase: str | None = None, progress: Progress | None = None
) -> Written:
    """Write every carried row (and the media files) to ``out`` as one consistent snapshot."""
    with snapshot():
        header: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "northline_version": northline_version(),
            "created_at": timezone.now().isoformat(),
            "database_vendor": connection.vendor,
            SEAL_KEY_FIELD: key_fingerprint(settings.SECRET_KEY),
            "migrations": applied_migrations(),
            "encryption": None,
        }
        key = None
        if passphrase is not None:
            salt = secrets.token_bytes(16)
            key = derive_key(passphrase, salt, SCRYPT)
            header["encryption"] = {
                "cipher": "AES-256-GCM",
                "chunk_size": CHUNK,
                "kdf": "scrypt",
                **SCRYPT,
                "salt": base64.b64encode(salt).decode("ascii"),
                "key_check": key_check(key),
            }
        header_line = (json.dumps(header, sort_keys=True) + "\n").encode("utf-8")
        out.write(header_line)
        sink: Any = out if key is None else EncryptingWriter(out, key, header_line)
        digest = hashlib.sha256(header_line)
        with gzip.GzipFile(fileobj=sink, mode="wb", mtime=0) as body:

            def line(value: Any) -> None:
                data = (json.dumps(value, ensure_ascii=False) + "\n").encode("utf-8")
                digest.update(data)
                body.write(data)

            tables = {}
            for model in carried_models():
                tables[model._meta.label_lower] = write_table(model, line, progress)
            media = 0
            for path in media_files():
                write_media(path, line)
                media += 1
            written = Written(tables, media, digest.hexdigest(), key is not None)
            trailer = {"tables": tables, "media_files": media, "sha256": written.sha256}
            body.write((json.dumps({"trailer": trailer}) + "\n").encode("utf-8"))
        if isinstance(sink, EncryptingWriter):
            sink.finish()
        return written


class snapshot:
    """One transaction that sees the whole database at a single moment, and writes nothing."""

    def __enter__(self) -> None:
        if connection.in_atomic_block:
            raise Invalid("A backup must run outside any other transaction.")
        if connection.vendor == "sqlite":
            # Django's own atomic() begins SQLite transactions IMMEDIATE (settings), taking the
            # write lock: a deferred one only reads, and in WAL mode the server keeps writing.
            connection.ensure_connection()
            with connection.cursor() as cursor:
                cursor.execute("BEGIN DEFERRED")
            self.atomic = None
        else:
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")

    def __exit__(self, *exc: object) -> None:
        if self.atomic is None:
            with connection.cursor() as cursor:
                cursor.execute("COMMIT")
        else:
            self.atomic.__exit__(*exc)  # type: ignore[arg-type]


def applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def write_table(
    model: type[models.Model], line: Callable[[Any], None], progress: Progress | None
) -> int:
    label = model._meta.label_lower
    fields = list(model._meta.concrete_fields)
    line({"table": label, "columns": [field.attname for field in fields]})
    translations = {
        index: names_of(target)
        for index, field in enumerate(fields)
        if (target := by_name(field)) is not None
    }
    rows = 0
    queryset = model._base_manager.order_by("pk").values_list(*[f.attname for f in fields])
    for row in queryset.iterator(chunk_size=BATCH):
        values = [encode(value) for value in row]
        for index, names in translations.items():
            if values[index] is not None:
                values[index] = names[values[index]]
        line(values)
        rows += 1
        if progress is not None and rows % 10_000 == 0:
            progress(label, rows)
    line({"end": label, "rows": rows})
    if progress is not None:
        progress(label, rows)
    return rows


def media_root() -> Path | None:
    root = getattr(settings, "MEDIA_ROOT", "")
    return Path(root) if root else None


def media_files() -> Iterator[Path]:
    """Every file under MEDIA_ROOT, by path. Northline stores no uploads today (no model has a
    FileField), so this is empty unless MEDIA_ROOT is set and holds files."""
    root = media_root()
    if root is None or not root.is_dir():
        return iter(())
    return iter(sorted(path for path in root.rglob("*") if path.is_file()))


def write_media(path: Path, line: Callable[[Any], None]) -> None:
    root = media_root()
    assert root is not None
    relative = path.relative_to(root).as_posix()
    line({"media": relative, "size": path.stat().st_size})
    with path.open("rb") as file:
        while piece := file.read(MEDIA_PIECE):
            line({"data": base64.b64encode(piece).decode("ascii")})
    line({"end_media": relative})


# Reading a backup ------------------------------------------------------------------------------


@dataclass
class Manifest:
    """A checked backup's header and trailer."""

    header: dict[str, Any]
    tables: dict[str, int]
    media_files: int
    sha256: str

    @property
    def sealed(self) -> dict[str, int]:
        return {label: n for label, n in self.tables.items() if label in SEALED_MODELS and n}


def read_header(source: IO[bytes]) -> tuple[dict[str, Any], bytes]:
    header_line = source.readline(HEADER_LIMIT)
    try:
        header = json.loads(header_line)
    except (json.JSONDecodeError, UnicodeDecodeError):
        header = None
    if (
        not isinstance(header, dict)
        or header.get("format") != FORMAT
        or not header_line.endswith(b"\n")
    ):
        raise Invalid("Not a Northline backup (its first line is not a backup header).")
    version = header.get("format_version")
    if version != FORMAT_VERSION:
        raise Invalid(
            f"Backup format version {version!r} is not supported (this Northline reads "
            f"version {FORMAT_VERSION}); restore it with the Northline version that wrote it "
            f"({header.get('northline_version', 'unknown')}) or a later one."
        )
    return header, header_line


def body_lines(
    source: IO[bytes], header: dict[str, Any], header_line: bytes, passphrase: str | None
) -> Iterator[tuple[bytes, Any]]:
    """The body's lines, raw and decoded; a damaged file raises Invalid along the way."""
    encryption = header.get("encryption")
    stream: Any = source
    if encryption is not None:
        if passphrase is None:
            raise Invalid(
                "The backup is encrypted: give its passphrase "
                "(--passphrase-file or --passphrase-env)."
            )
        try:
            salt = base64.b64decode(encryption["salt"])
            params = {name: int(encryption[name]) for name in ("n", "r", "p")}
        except (KeyError, TypeError, ValueError) as error:
            raise Invalid("The backup's encryption header is damaged.") from error
        key = derive_key(passphrase, salt, params)
        if not hmac.compare_digest(key_check(key), str(encryption.get("key_check", ""))):
            raise Invalid("Wrong passphrase for this backup (or its header is damaged).")
        stream = DecryptingReader(source, key, header_line)
    elif passphrase is not None:
        raise Invalid("The backup is not encrypted, but a passphrase was given.")
    try:
        with gzip.GzipFile(fileobj=stream, mode="rb") as body:
            for raw in body:
                if not raw.endswith(b"\n"):
                    raise Invalid("The backup is cut short (its last line is incomplete).")
                yield raw, json.loads(raw)
    except (OSError, EOFError, zlib.error, json.JSONDecodeError, UnicodeDecodeError) as error:
        raise Invalid(f"The backup is damaged or cut short ({error}).") from error


def verify(path: Path, passphrase: str | None) -> Manifest:
    """Read the whole file and check it: format, checksum, row counts. Writes nothing."""
    with open_backup(path) as source:
        header, header_line = read_header(source)
        digest = hashlib.sha256(header_line)
        counts: dict[str, int] = {}
        table: str | None = None
        trailer = None
        for raw, value in body_lines(source, header, header_line, passphrase):
            if trailer is not None:
                raise Invalid("The backup has lines after its trailer.")
            if isinstance(value, dict) and "trailer" in value:
                trailer = value["trailer"]
                continue
            digest.update(raw)
            if isinstance(value, dict) and "table" in value:
                table = value["table"]
                counts[str(table)] = 0
            elif isinstance(value, list) and table is not None:
                counts[table] += 1
        if not isinstance(trailer, dict):
            raise Invalid("The backup is cut short: it has no trailer.")
        if not hmac.compare_digest(digest.hexdigest(), str(trailer.get("sha256", ""))):
            raise Invalid("The backup's checksum does not match its contents: it was changed.")
        if trailer.get("tables") != counts:
            raise Invalid("The backup's row counts do not match its rows.")
        return Manifest(header, counts, int(trailer.get("media_files", 0)), digest.hexdigest())


def open_backup(path: Path) -> IO[bytes]:
    try:
        return path.open("rb")
    except OSError as error:
        raise Invalid(f"Cannot read {path}: {error.strerror}.") from error


# Restore ---------------------------------------------------------------------------------------


@dataclass
class Restored:
    """What a restore wrote."""

    manifest: Manifest
    resealed: int = 0
    unverified_seals: int = 0
    seal_failures: list[str] = field(default_factory=list)


def restore_backup(
    path: Path,
    *,
    passphrase: str | None = None,
    source_key: str | None = None,
    unverified_seals: bool = False,
    progress: Progress | None = None,
) -> Restored:
    """Check the backup in full, then write it into this empty database in one transaction."""
    manifest = verify(path, passphrase)
    refuse_other_schema(manifest.header.get("migrations"))
    refuse_non_empty()
    refuse_existing_media()
    verify_with = seal_key_for(
        {SEAL_KEY_FIELD: manifest.header.get(SEAL_KEY_FIELD)},
        manifest.sealed,
        source_key,
        unverified_seals,
        kind="backup",
        undone="restored",
    )
    restored = Restored(manifest)
    written_media: list[Path] = []
    try:
        with transaction.atomic(), connection.constraint_checks_disabled():
            load_rows(path, passphrase, progress, written_media)
            try:
                connection.check_constraints(
                    table_names=[model._meta.db_table for model in carried_models()]
                )
            except DatabaseError as error:
                raise Invalid(f"The backup is inconsistent: {error}") from error
            reset_sequences(carried_models())
            if manifest.sealed and verify_with is None:
                restored.unverified_seals = sum(manifest.sealed.values())
            elif manifest.sealed and verify_with != settings.SECRET_KEY:
                for organization in Organization.objects.order_by("pk"):
                    for label in sorted(manifest.sealed):
                        report = SEALED_MODELS[label](
                            organization, source_key=verify_with, source=path.name
                        )
                        restored.resealed += report.resealed
                        restored.seal_failures.extend(report.failures)
    except BaseException:
        for written in written_media:
            written.unlink(missing_ok=True)
        raise
    return restored


def refuse_other_schema(migrations: Any) -> None:
    """The backup's tables must be this database's: the same migrations applied."""
    here = applied_migrations()
    theirs = migrations if isinstance(migrations, dict) else {}
    missing = [
        f"{app}.{name}"
        for app, names in sorted(theirs.items())
        for name in names
        if name not in here.get(app, [])
    ]
    extra = [
        f"{app}.{name}"
        for app, names in sorted(here.items())
        for name in names
        if name not in theirs.get(app, [])
    ]
    if missing or extra:
        parts = []
        if missing:
            parts.append(
                f"not applied here: {', '.join(missing[:5])}{' …' if len(missing) > 5 else ''}"
            )
        if extra:
            parts.append(
                f"applied here but not in the backup: {', '.join(extra[:5])}"
                f"{' …' if len(extra) > 5 else ''}"
            )
        raise Conflict(
            "The backup was taken at another database schema ("
            + "; ".join(parts)
            + "). Restore it with the Northline version that took it, then upgrade; "
            "nothing was restored."
        )


def refuse_non_empty() -> None:
    filled = [model._meta.label_lower for model in carried_models() if model._base_manager.exists()]
    if filled:
        raise Conflict(
            f"A backup restores only into an empty database (migrated, no rows); this one has "
            f"rows in {', '.join(filled[:8])}{' …' if len(filled) > 8 else ''}. "
            "Nothing was restored."
        )


def refuse_existing_media() -> None:
    root = media_root()
    if root is not None and root.is_dir() and any(path.is_file() for path in root.rglob("*")):
        raise Conflict(f"The media directory {root} is not empty; nothing was restored.")


def load_rows(
    path: Path, passphrase: str | None, progress: Progress | None, written_media: list[Path]
) -> None:
    known = {model._meta.label_lower: model for model in carried_models()}
    loader: TableLoader | None = None
    media: IO[bytes] | None = None
    with open_backup(path) as source:
        header, header_line = read_header(source)
        for _raw, value in body_lines(source, header, header_line, passphrase):
            if isinstance(value, list):
                assert loader is not None
                loader.add(value)
            elif "table" in value:
                model = known.get(value["table"])
                if model is None:
                    raise Invalid(
                        f"The backup holds {value['table']!r}, which this Northline does not have."
                    )
                loader = TableLoader(model, value["columns"])
            elif "end" in value:
                assert loader is not None
                loader.flush()
                if progress is not None:
                    progress(value["end"], value["rows"])
                loader = None
            elif "media" in value:
                target = safe_media_path(value["media"])
                target.parent.mkdir(parents=True, exist_ok=True)
                written_media.append(target)
                media = target.open("xb")
            elif "data" in value:
                assert media is not None
                media.write(base64.b64decode(value["data"]))
            elif "end_media" in value and media is not None:
                media.close()
                media = None


def safe_media_path(relative: str) -> Path:
    root = media_root()
    if root is None:
        raise Invalid("The backup holds uploaded files but MEDIA_ROOT is not set here.")
    target = (root / relative).resolve()
    if not target.is_relative_to(root.resolve()):
        raise Invalid(f"The backup names a file outside the media directory: {relative!r}.")
    return target


class TableLoader:
    """Rows of one table, inserted in batches without save() or signals (they are records,
    not new writes: the audit trail they carry is restored with them)."""

    def __init__(self, model: type[models.Model], columns: list[str]) -> None:
        self.model = model
        by_attname = {field.attname: field for field in model._meta.concrete_fields}
        unknown = [column for column in columns if column not in by_attname]
        if unknown:
            raise Invalid(
                f"The backup's {model._meta.label_lower} has columns this Northline does not: "
                f"{', '.join(unknown)}."
            )
        self.fields = [by_attname[column] for column in columns]
        self.lookups = {
            index: ids_by_name(target)
            for index, field in enumerate(self.fields)
            if (target := by_name(field)) is not None
        }
        self.pending: list[models.Model] = []

    def add(self, values: list[Any]) -> None:
        if len(values) != len(self.fields):
            raise Invalid(f"A {self.model._meta.label_lower} row has the wrong number of values.")
        for index, lookup in self.lookups.items():
            if values[index] is not None:
                name = tuple(values[index])
                if name not in lookup:
                    raise Invalid(
                        f"No {self.fields[index].name} {'.'.join(name)} in this database."
                    )
                values[index] = lookup[name]
        self.pending.append(
            self.model(
                **{
                    field.attname: field.to_python(value)
                    for field, value in zip(self.fields, values, strict=True)
                }
            )
        )
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        # A raw insert, as loaddata's: bulk_create would stamp auto_now fields with the
        # present moment, and save() would run the models' rules and signals.
        if not self.pending:
            return
        size = max(connection.ops.bulk_batch_size(self.fields, self.pending), 1)
        for start in range(0, len(self.pending), size):
            self.model._base_manager._insert(  # type: ignore[attr-defined]
                self.pending[start : start + size], fields=self.fields, raw=True
            )
        self.pending = []


def ids_by_name(model: type[models.Model]) -> dict[tuple[str, ...], int]:
    return {tuple(name): pk for pk, name in names_of(model).items()}


def passphrase_from(file: str | None, variable: str | None) -> str | None:
    """A passphrase from a file (its first line) or an environment variable, or None."""
    if file is not None:
        try:
            text = Path(file).read_text("utf-8")
        except OSError as error:
            raise Invalid(f"Cannot read {file}: {error.strerror}.") from error
        passphrase = text.splitlines()[0] if text.strip() else ""
        if not passphrase:
            raise Invalid(f"{file} is empty; it should hold the passphrase.")
        return passphrase
    if variable is not None:
        passphrase = os.environ.get(variable, "")
        if not passphrase:
            raise Invalid(f"The environment variable {variable} is empty or not set.")
        return passphrase
    return None


def comparable_rows() -> dict[str, list[list[Any]]]:
    """Every carried row in the backup's own form (references to content types and permissions
    by name), table by table and by pk: two databases hold the same records exactly when these
    are equal, whatever their vendors. For checking a restore; it holds everything in memory."""
    result = {}
    for model in carried_models():
        fields = list(model._meta.concrete_fields)
        translations = {
            index: names_of(target)
            for index, field in enumerate(fields)
            if (target := by_name(field)) is not None
        }
        rows = []
        for row in model._base_manager.order_by("pk").values_list(*[f.attname for f in fields]):
            values = [encode(value) for value in row]
            for index, names in translations.items():
                if values[index] is not None:
                    values[index] = names[values[index]]
            rows.append(values)
        result[model._meta.label_lower] = rows
    return result
