"""Loads that die, are cut off or race each other leave all of a file or none of it.

Each test runs real `loader` processes against the test database and kills,
cuts or races them at the moments that matter: during the staging COPY, after
every row is written but before the commit, and two loaders at once.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest

pytestmark = pytest.mark.slow

LOADER = "outreach-lanes-loader"  # the loader's application_name


def meetings_csv(path: Path, first: int, count: int) -> Path:
    """Meetings numbered first..first+count-1: the same number is the same meeting."""
    lines = ["company_id,people_id,meeting_date,meeting_type,meeting_outcome,stalled_reason"]
    for n in range(first, first + count):
        company = uuid.UUID(int=n, version=4)
        person = uuid.UUID(int=n + 10**12, version=4)
        day = f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}"
        lines.append(f"{company},{person},{day},numbers,stalled,Budget frozen #{n}")
    path.write_text("\n".join(lines) + "\n")
    return path


def start_loader(database_url: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.Popen(
        [sys.executable, "-m", "loader", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # As from a terminal: a test runner's worker may ignore SIGINT, and a child
        # inherits that (Python then never turns Ctrl-C into KeyboardInterrupt).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def wait_for_backend(conn: psycopg.Connection, condition: str, timeout: float = 120) -> int:
    """The pid of the loader's server process once `condition` holds for it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = conn.execute(
            f"select pid from pg_stat_activity where application_name = %s and {condition}",
            (LOADER,),
        ).fetchone()
        if found:
            return found[0]
        time.sleep(0.01)
    raise AssertionError(f"the loader never reached: {condition}")


def wait_until_gone(conn: psycopg.Connection, pid: int) -> None:
    deadline = time.monotonic() + 60
    while conn.execute("select 1 from pg_stat_activity where pid = %s", (pid,)).fetchone():
        assert time.monotonic() < deadline, "the killed loader's session never ended"
        time.sleep(0.05)


def stored(conn: psycopg.Connection) -> tuple[int, int, int]:
    """(meetings, ledger rows, audit rows) in the database."""
    return conn.execute(
        "select (select count(*) from sales.appointment_history),"
        " (select count(*) from shq.load_ledger),"
        " (select count(*) from shq.audit_log)"
    ).fetchone()


def load_fully(database_url: str, path: Path) -> dict:
    done = start_loader(database_url, "ingest", "lane-a", str(path), "--json")
    out, err = done.communicate(timeout=300)
    assert done.returncode == 0, err
    return json.loads(out)


@pytest.mark.once
def test_ctrl_c_during_the_copy_says_nothing_was_written_and_the_retry_loads_all(
    conn: psycopg.Connection, migrated_db: str, tmp_path: Path
) -> None:
    path = meetings_csv(tmp_path / "big.csv", 0, 200_000)
    loader = start_loader(migrated_db, "ingest", "lane-a", str(path))
    pid = wait_for_backend(conn, "state = 'active' and query ilike 'copy %%'")
    loader.send_signal(signal.SIGINT)
    _, err = loader.communicate(timeout=120)
    wait_until_gone(conn, pid)
    assert loader.returncode == 130
    assert err.strip().splitlines()[-1] == (
        "error: interrupted: nothing of big.csv was written. Run the same command again."
    )
    assert stored(conn) == (0, 0, 0)
    assert load_fully(migrated_db, path)["inserted"] == 200_000


def test_sigkill_during_the_copy_leaves_nothing_and_the_retry_loads_all(
    conn: psycopg.Connection, migrated_db: str, tmp_path: Path
) -> None:
    path = meetings_csv(tmp_path / "big.csv", 0, 200_000)
    loader = start_loader(migrated_db, "ingest", "lane-a", str(path))
    pid = wait_for_backend(conn, "state = 'active' and query ilike 'copy %%'")
    loader.send_signal(signal.SIGKILL)
    loader.wait()
    wait_until_gone(conn, pid)
    assert stored(conn) == (0, 0, 0)

    report = load_fully(migrated_db, path)
    assert report["inserted"] == 200_000
    assert stored(conn) == (200_000, 1, 200_000)


def test_sigkill_after_every_row_is_written_before_the_commit_leaves_nothing(
    conn: psycopg.Connection, migrated_db: str, tmp_path: Path
) -> None:
    path = meetings_csv(tmp_path / "rows.csv", 0, 20_000)
    # Hold the ledger: the loader writes every meeting and its audit rows, then waits
    # on its last insert, the ledger row, right before it would commit.
    with psycopg.connect(migrated_db) as holder:
        holder.execute("lock table shq.load_ledger in access exclusive mode")
        loader = start_loader(migrated_db, "ingest", "lane-a", str(path))
        pid = wait_for_backend(
            conn, "wait_event_type = 'Lock' and query ilike '%%insert into shq.load_ledger%%'"
        )
        loader.send_signal(signal.SIGKILL)
        loader.wait()
        holder.rollback()
    wait_until_gone(conn, pid)
    assert stored(conn) == (0, 0, 0)

    assert load_fully(migrated_db, path)["inserted"] == 20_000
    assert stored(conn) == (20_000, 1, 20_000)


def test_a_connection_cut_mid_load_is_one_clear_line_and_the_retry_loads_all(
    conn: psycopg.Connection, migrated_db: str, tmp_path: Path
) -> None:
    """What `loader db stop` or a server restart does to a running load, from its side."""
    path = meetings_csv(tmp_path / "rows.csv", 0, 20_000)
    with psycopg.connect(migrated_db) as holder:
        holder.execute("lock table shq.load_ledger in access exclusive mode")
        loader = start_loader(migrated_db, "ingest", "lane-a", str(path))
        pid = wait_for_backend(conn, "wait_event_type = 'Lock'")
        conn.execute("select pg_terminate_backend(%s)", (pid,))
        _, err = loader.communicate(timeout=60)
        holder.rollback()
    assert loader.returncode == 3
    assert "the connection to the database was lost" in err
    assert "run the same command again" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert stored(conn) == (0, 0, 0)

    assert load_fully(migrated_db, path)["inserted"] == 20_000


@pytest.mark.parametrize(
    ("first", "second", "distinct"),
    [
        ((0, 30_000), (0, 30_000), 30_000),  # the same file twice at once
        ((0, 30_000), (20_000, 30_000), 50_000),  # overlapping files
    ],
)
def test_two_loaders_at_once_store_every_meeting_once(
    conn: psycopg.Connection,
    migrated_db: str,
    tmp_path: Path,
    first: tuple[int, int],
    second: tuple[int, int],
    distinct: int,
) -> None:
    files = [
        meetings_csv(tmp_path / "one.csv", *first),
        meetings_csv(tmp_path / "two.csv", *second),
    ]
    loaders = [start_loader(migrated_db, "ingest", "lane-a", str(f), "--json") for f in files]
    reports = []
    for loader in loaders:
        out, err = loader.communicate(timeout=300)
        assert loader.returncode == 0, err
        reports.append(json.loads(out))

    assert sum(r["inserted"] for r in reports) == distinct
    for report in reports:
        assert report["rows_read"] == report["inserted"] + report["duplicates"]
        assert report["rejected"] == 0
    assert stored(conn) == (distinct, 2, distinct)


def crm_export_csv(path: Path, count: int) -> Path:
    """A CRM export without UUIDs: names, emails and companies, so the prospect
    directory is written in the same transaction as the meetings."""
    lines = ["person_name,email,company_name,company_domain,meeting_date,meeting_type,"
             "meeting_outcome,stalled_reason"]  # fmt: skip
    for n in range(count):
        company = n // 4
        day = f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}"
        lines.append(f"Person {n},person{n}@co{company}.com,Company {company},co{company}.com,"
                     f"{day},numbers,stalled,Budget frozen #{n}")  # fmt: skip
    path.write_text("\n".join(lines) + "\n")
    return path


def everything_stored(conn: psycopg.Connection) -> tuple:
    """What a load leaves, in an order that does not depend on when it ran."""
    return conn.execute(
        """
        select
            (select array_agg(appointment_uid order by appointment_uid)
             from sales.appointment_history),
            (select array_agg(people_id::text || email || person_name order by people_id)
             from sales.prospect_people),
            (select array_agg(company_id::text || company_domain order by company_id)
             from sales.prospect_companies),
            (select count(*) from shq.load_ledger)
        """
    ).fetchone()


def test_an_ingest_killed_at_random_moments_then_run_again_stores_what_one_run_does(
    conn: psycopg.Connection, migrated_db: str, fresh_db: str, tmp_path: Path
) -> None:
    from loader.platform.migrations import migrate

    path = crm_export_csv(tmp_path / "crm.csv", 20_000)
    with psycopg.connect(fresh_db, autocommit=True) as reference:
        migrate(reference)
    started = time.monotonic()
    load_fully(fresh_db, path)
    one_run = time.monotonic() - started
    rng = random.Random(20261202)
    for _ in range(4):
        loader = start_loader(migrated_db, "ingest", "lane-a", str(path))
        time.sleep(rng.uniform(0.2, one_run))
        loader.send_signal(signal.SIGKILL)
        loader.wait()
        # All of the file or none of it, whenever the kill came.
        assert conn.execute("select count(*) from sales.appointment_history").fetchone()[0] in (
            0,
            20_000,
        )
    load_fully(migrated_db, path)
    with psycopg.connect(fresh_db) as reference:
        expected = everything_stored(reference)
    stored_now = everything_stored(conn)
    assert stored_now[:3] == expected[:3]
    assert stored_now[3] >= 1  # every finished run is in the ledger, a killed one never


@pytest.mark.once
def test_ctrl_c_during_a_dbt_build_is_one_line_and_stops_dbt(migrated_db: str) -> None:
    import psutil

    env = {**os.environ, "DATABASE_URL": migrated_db}
    # Its own session, as a terminal's foreground job: Ctrl-C goes to the whole group.
    loader = subprocess.Popen(
        [sys.executable, "-m", "loader", "dbt", "build", "--select", "lane_a"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 120
    dbt = []
    while not dbt and time.monotonic() < deadline:
        dbt = [p for p in psutil.Process(loader.pid).children(recursive=True)
               if "dbt" in " ".join(p.cmdline())]  # fmt: skip
        time.sleep(0.1)
    assert dbt, "dbt never started"
    time.sleep(2)  # dbt is parsing or building
    os.killpg(loader.pid, signal.SIGINT)
    _, err = loader.communicate(timeout=120)
    assert loader.returncode == 130, err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("error: interrupted: nothing is half-written")
    assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in dbt)


@pytest.mark.once
def test_sigterm_during_a_load_cancels_the_servers_work_and_the_next_load_starts_at_once(
    conn: psycopg.Connection, migrated_db: str, tmp_path: Path
) -> None:
    """A scheduler's stop (SIGTERM, `timeout`) ends a load as Ctrl-C does: the query is
    cancelled, the transaction rolled back and the lane's lock released."""
    path = meetings_csv(tmp_path / "big.csv", 0, 200_000)
    loader = start_loader(migrated_db, "ingest", "lane-a", str(path))
    pid = wait_for_backend(conn, "state = 'active' and query ilike 'copy %%'")
    loader.send_signal(signal.SIGTERM)
    _, err = loader.communicate(timeout=120)
    assert loader.returncode == 130, err
    assert err.strip().splitlines()[-1].startswith("error: interrupted: nothing of big.csv")
    wait_until_gone(conn, pid)
    started = time.monotonic()
    one = load_fully(migrated_db, meetings_csv(tmp_path / "one.csv", 500_000, 1))
    assert one["inserted"] == 1
    assert time.monotonic() - started < 30  # no lock left waiting (was 49 s, or forever)
    assert stored(conn)[0] == 1
