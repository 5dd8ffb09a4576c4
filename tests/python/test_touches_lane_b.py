"""Lane B outreach activity comes back: matched by id, email or LinkedIn, like partner meetings."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import psycopg
import pytest
from cli_run import run_main
from dbt_project_runner import dbt_build
from sheets import write_csv, write_xlsx
from test_dbt_lane_b import MEETING_HEADERS, MEETINGS, PARTNER_HEADERS, PARTNERS, ready

from loader.ingest.flow import IngestOptions
from loader.lanes.lane_b.export import READY_QUEUE
from loader.lanes.lane_b.ingest import ingest_meetings, ingest_partners
from loader.lanes.lane_b.touches import TOUCHES
from loader.outreach.queue_export import export_queue
from loader.outreach.touches import ingest_touches

pytestmark = pytest.mark.dbt

EARLIER = dt.datetime.now(dt.UTC).replace(microsecond=0, second=0) - dt.timedelta(hours=3)

# These tests name each of a handful of partners, whose ids are random: the random
# holdout (its own tests: test_ready_views_match_the_rules.py, test_week.py) is off.
NO_HOLDOUT = {"partner_holdout_share": 0}


def _load_and_build(database_url: str, scratch: Path) -> None:
    with psycopg.connect(database_url) as conn:
        ingest_partners(conn, write_xlsx(scratch / "p.xlsx", PARTNER_HEADERS, PARTNERS),
                        IngestOptions(actor="t"))  # fmt: skip
    with psycopg.connect(database_url) as conn:
        ingest_meetings(conn, write_xlsx(scratch / "m.xlsx", MEETING_HEADERS, MEETINGS),
                        IngestOptions(actor="t"))  # fmt: skip
    dbt_build(database_url, "lane_b", with_tests=False, variables=NO_HOLDOUT)


@pytest.fixture
def partners_built(database_copy) -> str:
    return database_copy("lane_b_touch_partners", _load_and_build)


def load(conn: psycopg.Connection, path: Path, tool: str = "generic") -> dict:
    return ingest_touches(conn, TOUCHES, path, IngestOptions(actor="test"), tool).as_json()


def test_an_exported_partner_queue_comes_back_and_is_idempotent(
    partners_built: str, tmp_path: Path
) -> None:
    out = tmp_path / "lemlist.csv"
    with psycopg.connect(partners_built, autocommit=True) as conn:
        export_queue(conn, READY_QUEUE, out, tool="lemlist")
    leads = list(pl.read_csv(out, infer_schema=False).iter_rows(named=True))
    assert len(leads) == 2
    headers = ["type", "createdAt", "leadEmail", "lanes_key"]
    rows = [["emailsSent", f"{EARLIER:%Y-%m-%dT%H:%M:%S}.000Z", lead["email"], lead["lanes_key"]]
            for lead in leads]  # fmt: skip
    activity = write_csv(tmp_path / "activity.csv", headers, rows)
    with psycopg.connect(partners_built, autocommit=True) as conn:
        report = load(conn, activity, "lemlist")
        assert (report["inserted"], report["rejected"]) == (2, 0), report["errors"]
        assert ready(conn) == {}
        again = load(conn, activity, "lemlist")
        assert (again["inserted"], again["duplicates"]) == (0, 2)


def test_mark_touched_keeps_the_score_action_variant_and_factors_the_partner_left_with(
    partners_built: str, tmp_path: Path
) -> None:
    with psycopg.connect(partners_built, autocommit=True) as conn:
        before = conn.execute(
            "select fractional_cfo_id, leverage_score, recommended_next_action::text,"
            " message_variant_id, leverage_factors from bit.v_partner_outreach_ready order by 1"
        ).fetchall()
        export_queue(conn, READY_QUEUE, tmp_path / "q.xlsx", mark_touched=True)
        after = conn.execute(
            "select fractional_cfo_id, score_at_touch, next_action_at_touch, message_variant_id,"
            " factors_at_touch from partners.partner_touches"
            " where tool = 'export' and event = 'planned' order by 1"
        ).fetchall()
    assert after == before and len(after) == 2
    assert all(row[4] for row in after)
    # The next build's checks of the touches take planned ones as they are.
    dbt_build(partners_built, "stg_lane_b__partner_touches")


def test_unsubscribe_by_email_pauses_the_partner_at_once(
    partners_built: str, tmp_path: Path
) -> None:
    headers = ["timestamp", "event_type", "lead_email"]
    rows = [
        [f"{EARLIER:%Y-%m-%dT%H:%M:%S}Z", "lead_unsubscribed", "dana@ledgerline.com"],
        [f"{EARLIER:%Y-%m-%dT%H:%M:%S}Z", "email_sent", "nobody@nowhere.com"],
    ]
    path = write_csv(tmp_path / "instantly.csv", headers, rows)
    with psycopg.connect(partners_built, autocommit=True) as conn:
        # Another campaign's lead (nobody@nowhere.com) is skipped and counted; Dana is paused.
        report = load(conn, path, "instantly")
        assert (report["inserted"], report["rejected"]) == (1, 0), report
        assert any("skipped 1 row(s) about people Lane B never stored" in w
                   for w in report["warnings"])  # fmt: skip
        reason = conn.execute(
            "select action, reason, cause from partners.partner_pauses"
        ).fetchone()
        assert reason == ("pause", f"unsubscribed (instantly, {EARLIER:%Y-%m-%d})", "unsubscribed")
        assert "dana@ledgerline.com" not in ready(conn)


def test_a_bounce_sends_the_partner_to_linkedin(
    partners_built: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = ["email", "channel", "touched_at", "event"]
    rows = [["dana@ledgerline.com", "email", f"{EARLIER:%Y-%m-%d %H:%M}", "bounced"]]
    with psycopg.connect(partners_built, autocommit=True) as conn:
        assert load(conn, write_csv(tmp_path / "b.csv", headers, rows))["inserted"] == 1
        assert ready(conn)["dana@ledgerline.com"][3] == "email"  # a bounce is not a touch
    dbt_build(partners_built, "lane_b", with_tests=False, variables=NO_HOLDOUT)
    with psycopg.connect(partners_built) as conn:
        assert ready(conn)["dana@ledgerline.com"][3] == "linkedin"
    # A later partner file brings a new email: the bounce was for the old one.
    new = [["Ledgerline CFO", "Dana One", "https://www.linkedin.com/in/dana-one",
            "dana.one@ledgerline.com", None, None, "Referral", None]]  # fmt: skip
    with psycopg.connect(partners_built) as conn:
        report = ingest_partners(conn, write_xlsx(tmp_path / "p2.xlsx", PARTNER_HEADERS, new),
                                 IngestOptions(actor="t"))  # fmt: skip
    assert (report.inserted, report.updated) == (0, 1)
    dbt_build(partners_built, "lane_b", with_tests=False, variables=NO_HOLDOUT)
    with psycopg.connect(partners_built) as conn:
        assert ready(conn)["dana.one@ledgerline.com"][3] == "email"


def test_an_unsubscribe_before_the_partner_is_loaded_pauses_them_when_they_are(
    partners_built: str, tmp_path: Path
) -> None:
    headers = ["email", "channel", "touched_at", "event"]
    rows = [["lee@newfirm.example", "email", f"{EARLIER:%Y-%m-%d %H:%M}", "unsubscribed"]]
    with psycopg.connect(partners_built, autocommit=True) as conn:
        report = load(conn, write_csv(tmp_path / "u.csv", headers, rows))
        assert (report["inserted"], report["rejected"]) == (1, 0)
        assert report["unsubscribes_kept_for_unknown_addresses"] == 1
    partner = [["New Firm CFO", "Lee Four", None, "lee@newfirm.example", None, None,
                "Referral", None]]  # fmt: skip
    with psycopg.connect(partners_built) as conn:
        report = ingest_partners(conn, write_xlsx(tmp_path / "p.xlsx", PARTNER_HEADERS, partner),
                                 IngestOptions(actor="t"))  # fmt: skip
    assert report.inserted == 1 and report.details["unsubscribed_before_loaded"] == 1
    with psycopg.connect(partners_built) as conn:
        [(action, reason, cause)] = conn.execute(
            "select p.action, p.reason, p.cause from partners.partner_pauses as p"
            " join partners.fractional_cfo_master as m using (fractional_cfo_id)"
            " where m.email = 'lee@newfirm.example'"
        ).fetchall()
    assert action == "pause" and reason.startswith("unsubscribed (generic, ")
    assert cause == "unsubscribed"


def test_a_person_types_one_partner_touch(
    partners_built: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("DATABASE_URL", partners_built)
    args = ["touch", "lane-b", "sam@northwind.com", "--channel", "linkedin"]
    code, out, _ = run_main(args, capsys, monkeypatch)
    assert code == 0 and "recorded sent on linkedin for Northwind Advisory" in out
    with psycopg.connect(partners_built) as conn:
        assert "sam@northwind.com" not in ready(conn)
        assert conn.execute("select tool, event from partners.partner_touches").fetchone() == (
            "person",
            "sent",
        )


def test_lane_b_status_counts_partners_queue_and_activity(
    partners_built: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("DATABASE_URL", partners_built)
    run_main(["touch", "lane-b", "dana@ledgerline.com", "--channel", "email"], capsys, monkeypatch)
    code, out, _ = run_main(["status", "lane-b", "--json"], capsys, monkeypatch)
    status = json.loads(out)
    assert code == 0
    assert status["loaded"] == {"partners": 4, "partner meetings": 4, "touch events": 1}
    ready = status["sections"]["queue"]
    assert sum(row["rows"] for row in ready) == 1  # Dana was touched since the build
    assert status["sections"]["activity"] == [
        {"activity": "sent: not from an export", "last 7 days": 1, "last 30 days": 1, "all": 1}
    ]


def test_lane_b_status_shows_paused_and_unsubscribed_partners_as_such(
    partners_built: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    """A pause or an unsubscribe since the build shows at once, not as the built status."""
    monkeypatch.setenv("DATABASE_URL", partners_built)
    section = "out_of_queue"  # partners by status: pauses and unsubscribes as of now

    def statuses() -> dict[str, int]:
        code, out, _ = run_main(["status", "lane-b", "--json"], capsys, monkeypatch)
        assert code == 0
        return {row["status"]: row["rows"] for row in json.loads(out)["sections"][section]}

    before = statuses()
    assert before.get("pending") == 1 and "paused" not in before  # Alex met 3 days ago
    args = ["pause", "lane-b", "sam@northwind.com", "--reason", "on holiday"]
    assert run_main(args, capsys, monkeypatch)[0] == 0
    headers = ["email", "channel", "touched_at", "event"]
    rows = [["alex@keystone.com", "email", f"{EARLIER:%Y-%m-%d %H:%M}", "unsubscribed"]]
    with psycopg.connect(partners_built, autocommit=True) as conn:
        assert load(conn, write_csv(tmp_path / "u.csv", headers, rows))["inserted"] == 1
    after = statuses()
    assert after["paused"] == 1 and after["unsubscribed"] == 1
    assert after.get("pending", 0) == 0
    assert sum(after.values()) == sum(before.values()) == len(PARTNERS)


def test_a_partner_who_replied_waits_for_a_person_not_the_queue(
    partners_built: str, tmp_path: Path
) -> None:
    headers = ["email", "channel", "touched_at", "event"]
    rows = [["dana@ledgerline.com", "email", f"{EARLIER:%Y-%m-%d %H:%M}", "replied"]]
    with psycopg.connect(partners_built, autocommit=True) as conn:
        assert "dana@ledgerline.com" in ready(conn)
        assert load(conn, write_csv(tmp_path / "r.csv", headers, rows))["inserted"] == 1
    dbt_build(partners_built, "lane_b", with_tests=False, variables=NO_HOLDOUT)
    with psycopg.connect(partners_built) as conn:
        assert "dana@ledgerline.com" not in ready(conn)
        status = conn.execute(
            "select i.status, i.lifecycle_status from bit.partner_intent i"
            " join partners.fractional_cfo_master m using (fractional_cfo_id)"
            " where m.email = 'dana@ledgerline.com'"
        ).fetchone()
    assert status == ("awaiting_reply", "awaiting_reply")
