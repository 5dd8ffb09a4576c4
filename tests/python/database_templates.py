"""Databases for tests: built once per worker as templates, copied per test.

Migrating a database, loading a lane's rows and running `dbt build` costs seconds;
copying a database (`create database … template …`) costs a fraction of one. So each
kind of set-up ("migrated", "lane A built from these rows", …) is made once per test
session and worker, kept as a template, and every test that needs it gets a copy of
its own, which it may change freely.

Every copy a test gets has the same name within a worker (the *slot*): dbt's profile
hash includes the database name, so one name lets every dbt run in the worker reuse
the first run's parse (`partial_parse.msgpack` in the worker's target folder) instead
of parsing the project again. Tests in a worker run one at a time, so one slot is
enough; the slot is dropped and copied again for each test.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path

import psycopg

from loader.platform.database import with_database

# What a template maker does: fill the database at this URL (migrated already, unless
# it is the "migrated" template itself), using the scratch folder for files.
Maker = Callable[[str, Path], None]


class TestDatabases:
    """One worker's templates and its slot, on one PostgreSQL server."""

    __test__ = False  # not a test class, whatever its name says

    def __init__(self, admin_conninfo: str, scratch: Path) -> None:
        self.admin_conninfo = admin_conninfo
        self.scratch = scratch
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        self.token = f"{worker}_{uuid.uuid4().hex[:8]}"
        self.slot = f"lanes_slot_{self.token}"
        self.target_path = scratch / "dbt-target"  # one parse, reused by every dbt run here
        self._templates: dict[str, str] = {}

    def url(self, name: str) -> str:
        return with_database(self.admin_conninfo, name)

    def _admin(self, *statements: str) -> None:
        with psycopg.connect(self.admin_conninfo, autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)

    def fresh_slot(self, template: str | None = None) -> str:
        """The slot, dropped and created again (empty, or as a copy of `template`).

        A copy gets everything inside the template but not the rights granted on the
        database itself (they live in the cluster's catalog): those are copied over.
        """
        copy_of = f' template "{template}"' if template else ""
        self._admin(
            f'drop database if exists "{self.slot}" with (force)',
            f'create database "{self.slot}"{copy_of}',
        )
        if template:
            self._copy_database_rights(template)
        return self.url(self.slot)

    def _copy_database_rights(self, template: str) -> None:
        with psycopg.connect(self.admin_conninfo, autocommit=True) as conn:
            granted = conn.execute(
                """
                select
                    case when acl.grantee = 0 then 'public'
                         else quote_ident(acl.grantee::regrole::text) end,
                    acl.privilege_type
                from pg_database as d, aclexplode(d.datacl) as acl
                where d.datname = %s and acl.grantee <> d.datdba
                """,
                (template,),
            ).fetchall()
            if not granted:
                return  # the defaults, as a new database has them
            conn.execute(f'revoke all on database "{self.slot}" from public')
            for grantee, privilege in granted:
                conn.execute(f'grant {privilege} on database "{self.slot}" to {grantee}')

    def copy(self, key: str, make: Maker, base: str | None = "migrated") -> str:
        """A fresh copy of template `key` in the slot, making the template on first use.

        `base` is the template the new one starts from (None: an empty database).
        """
        if key not in self._templates:
            if base and base not in self._templates:
                raise KeyError(f"template {base!r} must be made before {key!r}")
            url = self.fresh_slot(self._templates[base] if base else None)
            (self.scratch / key).mkdir(parents=True, exist_ok=True)
            make(url, self.scratch / key)
            name = f"lanes_tpl_{key}_{self.token}"
            # No connection may stay on a template; autovacuum keeps off it too.
            self._admin(
                f'alter database "{self.slot}" rename to "{name}"',
                f'alter database "{name}" with is_template true allow_connections false',
            )
            self._templates[key] = name
        return self.fresh_slot(self._templates[key])

    def drop_all(self) -> None:
        statements = [f'drop database if exists "{self.slot}" with (force)']
        for name in self._templates.values():
            statements += [
                f'alter database "{name}" with is_template false',
                f'drop database if exists "{name}" with (force)',
            ]
        self._admin(*statements)
