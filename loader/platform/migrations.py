"""Versioned schema migrations shipped inside the package.

Files `NNNN_name.sql` in loader/platform/migrations/ are applied in order, each in its own
transaction, and recorded in shq.schema_migrations with a checksum. A second run
applies nothing; an applied file that was edited afterwards is refused.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import psycopg

from loader.errors import MigrationError
from loader.platform.paths import PACKAGE_DIR
from loader.platform.sql_script import split_statements

MIGRATIONS_DIR = PACKAGE_DIR / "platform" / "migrations"
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
# Any constant works; it only has to be the same for every loader.
_ADVISORY_LOCK_KEY = 74_201_101


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def available(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    found = []
    for path in sorted(directory.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise MigrationError(f"{path.name}: migration files must be named NNNN_name.sql")
        found.append(Migration(int(match.group(1)), match.group(2), path))
    versions = [m.version for m in found]
    if len(versions) != len(set(versions)):
        raise MigrationError(f"two migration files share a version number in {directory}")
    return found


def _ensure_ledger(conn: psycopg.Connection) -> None:
    with conn.transaction():
        conn.execute("create schema if not exists shq")
        conn.execute(
            """
            create table if not exists shq.schema_migrations (
                version integer primary key,
                name text not null,
                checksum text not null,
                applied_at timestamptz not null default now()
            )
            """
        )


def applied(conn: psycopg.Connection) -> dict[int, tuple[str, str]]:
    exists = conn.execute("select to_regclass('shq.schema_migrations')").fetchone()
    if not exists or exists[0] is None:
        return {}
    rows = conn.execute("select version, name, checksum from shq.schema_migrations").fetchall()
    return {version: (name, checksum) for version, name, checksum in rows}


def pending(conn: psycopg.Connection, directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """The migrations this database has not applied yet (all of them on a fresh one)."""
    done = applied(conn)
    return [m for m in available(directory) if m.version not in done]


def migrate(conn: psycopg.Connection, directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Apply pending migrations; returns the ones applied now. `conn` must be autocommit."""
    _ensure_ledger(conn)
    conn.execute("select pg_advisory_lock(%s)", (_ADVISORY_LOCK_KEY,))
    try:
        done = applied(conn)
        newly: list[Migration] = []
        for migration in available(directory):
            if migration.version in done:
                _, checksum = done[migration.version]
                if checksum != migration.checksum:
                    raise MigrationError(
                        f"{migration.path.name} was edited after it was applied to this database. "
                        "Applied migrations are immutable: put the change in a new migration file."
                    )
                continue
            _apply(conn, migration)
            newly.append(migration)
        return newly
    finally:
        conn.execute("select pg_advisory_unlock(%s)", (_ADVISORY_LOCK_KEY,))


def _apply(conn: psycopg.Connection, migration: Migration) -> None:
    statements = split_statements(migration.sql)
    try:
        with conn.transaction():
            for statement in statements:
                try:
                    conn.execute(statement.text)
                except psycopg.Error as exc:
                    summary = " ".join(statement.text.split())[:160]
                    message = (exc.diag.message_primary or str(exc)).strip()
                    raise MigrationError(
                        f"{migration.path.name} line {statement.line}: {message}. "
                        f"Statement: {summary}. Nothing of this file was applied."
                    ) from exc
            conn.execute(
                "insert into shq.schema_migrations (version, name, checksum) values (%s, %s, %s)",
                (migration.version, migration.name, migration.checksum),
            )
    except psycopg.OperationalError as exc:
        raise MigrationError(f"{migration.path.name}: connection lost ({exc})") from exc
