"""Test fixtures: every database test runs against a real PostgreSQL.

By default a throwaway embedded server is started for the session. With
LANES_TEST_SERVER set to an admin URL (e.g. postgresql://127.0.0.1:5432/test) the
same tests run against that server instead. Each test gets its own database.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from loader import embedded
from loader.database import Target, with_database
from loader.migrations import migrate
from loader.roles import ensure_roles

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "embedded_only: needs the embedded server itself")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not os.environ.get("LANES_TEST_SERVER"):
        return
    skip = pytest.mark.skip(reason="runs only on the embedded server")
    for item in items:
        if "embedded_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def admin_conninfo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A superuser connection to the server the tests use ('postgres' database)."""
    external = os.environ.get("LANES_TEST_SERVER")
    if external:
        yield external
        return
    data_dir = tmp_path_factory.mktemp("pg") / "data"
    embedded.start(data_dir)
    current = embedded.status(data_dir)
    try:
        yield embedded.conninfo(current, "postgres")
    finally:
        embedded.stop(data_dir)


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


@pytest.fixture
def migrated_db(fresh_db: str) -> str:
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        migrate(conn)
        ensure_roles(conn)
    return fresh_db


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
