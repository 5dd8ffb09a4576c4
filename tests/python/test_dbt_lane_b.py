"""Lane B end to end: ingest partners and meetings -> dbt build -> the ready view."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import psycopg
import pytest
from dbt_project_runner import dbt_build
from sheets import write_xlsx

from loader.cli.main import main
from loader.ingest.flow import IngestOptions
from loader.lanes.lane_b.export import READY_QUEUE
from loader.lanes.lane_b.ingest import ingest_meetings, ingest_partners
from loader.outreach.queue_export import export_queue

pytestmark = pytest.mark.dbt

TODAY = dt.date.today()
PARTNER_HEADERS = ["firm_name", "primary_contact_name", "linkedin_url", "email", "geography",
                   "niche_focus", "source", "status"]  # fmt: skip
PARTNERS = [
    # 80 points: engaged, warm follow-up 40 days ago, target niche and region, both contacts
    ["Ledgerline CFO", "Dana One", "https://www.linkedin.com/in/dana-one", "dana@ledgerline.com",
     "Mid-Atlantic", "Healthcare", "Referral", "engaged"],
    # 40 points, never met: request an intro on LinkedIn
    ["Northwind Advisory", "Sam Two", "https://www.linkedin.com/in/sam-two", "sam@northwind.com",
     "Northeast", "SaaS", "LinkedIn", "contacted"],
    # a partner met 3 days ago: pending for 4 more days
    ["Keystone Finance", "Alex Three", None, "alex@keystone.com", "Texas", "SaaS", "Referral",
     "partner"],
    # 0 points: a cold meeting long ago, nothing else
    ["Harbor CFO Group", "Priya Four", None, "priya@harbor.com", "Texas", "Retail", "Conference",
     "prospect"],
]  # fmt: skip
MEETING_HEADERS = ["partner_email", "meeting_date", "meeting_type", "outcome"]
MEETINGS = [
    ["dana@ledgerline.com", TODAY - dt.timedelta(days=70), "intro", "neutral"],
    ["dana@ledgerline.com", TODAY - dt.timedelta(days=40), "followup", "warm"],
    ["alex@keystone.com", TODAY - dt.timedelta(days=3), "followup", "warm"],
    ["priya@harbor.com", TODAY - dt.timedelta(days=200), "intro", "cold"],
]

# These tests name each of a handful of partners, whose ids are random: the random
# holdout (its own tests: test_ready_views_match_the_rules.py, test_week.py) is off.
NO_HOLDOUT = {"partner_holdout_share": 0}


def _load_and_build(database_url: str, scratch: Path) -> None:
    partner_file = write_xlsx(scratch / "partners.xlsx", PARTNER_HEADERS, PARTNERS)
    meeting_file = write_xlsx(scratch / "meetings.xlsx", MEETING_HEADERS, MEETINGS)
    with psycopg.connect(database_url) as conn:
        assert ingest_partners(conn, partner_file, IngestOptions(actor="t")).inserted == 4
    with psycopg.connect(database_url) as conn:
        assert ingest_meetings(conn, meeting_file, IngestOptions(actor="t")).inserted == 4
    dbt_build(database_url, "lane_b", variables=NO_HOLDOUT)


@pytest.fixture
def built_lane_b(database_copy) -> str:
    """PARTNERS and MEETINGS ingested, Lane B built (with its dbt tests) once; a copy per test."""
    return database_copy("lane_b_rows", _load_and_build)


def ready(conn: psycopg.Connection) -> dict[str, tuple]:
    rows = conn.execute(
        "select email, leverage_score, leverage_factors, recommended_next_action,"
        " recommended_channel::text, message_variant_id from bit.v_partner_outreach_ready"
    ).fetchall()
    return {row[0]: row[1:] for row in rows}


def partner_id(conn: psycopg.Connection, email: str) -> str:
    return str(
        conn.execute(
            "select fractional_cfo_id from partners.fractional_cfo_master where email = %s",
            [email],
        ).fetchone()[0]
    )


def test_ready_view_shows_the_expected_partners_and_actions(built_lane_b: str) -> None:
    with psycopg.connect(built_lane_b) as conn:
        queue = ready(conn)
        assert set(queue) == {"dana@ledgerline.com", "sam@northwind.com"}
        score, factors, action, channel, variant = queue["dana@ledgerline.com"]
        assert (float(score), action, channel, variant) == (
            80.0,
            "propose_partnership",
            "email",
            "PB-PROPOSE_PARTNERSHIP-EMAIL-v1",
        )
        assert factors[:2] == ["LAST_MEETING_WARM", "STATUS_ENGAGED"]
        assert queue["sam@northwind.com"][2:4] == ("request_intro", "linkedin")
        statuses = dict(
            conn.execute(
                "select m.email, i.status from bit.partner_intent i"
                " join partners.fractional_cfo_master m using (fractional_cfo_id)"
            ).fetchall()
        )
        assert statuses["alex@keystone.com"] == "pending"
        assert statuses["priya@harbor.com"] == "active"


def test_pause_leaves_the_view_and_resume_brings_it_back(built_lane_b: str) -> None:
    with psycopg.connect(built_lane_b, autocommit=True) as conn:
        dana = partner_id(conn, "dana@ledgerline.com")
        insert = (
            "insert into partners.partner_pauses (fractional_cfo_id, action, reason, actor)"
            " values (%s, %s, 'holiday', 'test')"
        )
        conn.execute(insert, [dana, "pause"])
        assert set(ready(conn)) == {"sam@northwind.com"}
        conn.execute(insert, [dana, "resume"])
        assert set(ready(conn)) == {"dana@ledgerline.com", "sam@northwind.com"}


def test_touch_leaves_the_view_without_a_rebuild(built_lane_b: str) -> None:
    with psycopg.connect(built_lane_b, autocommit=True) as conn:
        conn.execute(
            "insert into partners.partner_touches (fractional_cfo_id, channel, actor)"
            " values (%s, 'linkedin', 'test')",
            [partner_id(conn, "sam@northwind.com")],
        )
        assert set(ready(conn)) == {"dana@ledgerline.com"}


def test_pending_partner_returns_when_its_wait_ends(built_lane_b: str) -> None:
    with psycopg.connect(built_lane_b, autocommit=True) as conn:
        later = dt.datetime.combine(TODAY + dt.timedelta(days=5), dt.time(9), dt.UTC)
        conn.execute("select set_config('lanes.now', %s, false)", [later.isoformat()])
        queue = ready(conn)
        assert "alex@keystone.com" in queue
        assert queue["alex@keystone.com"][2] == "ask_for_referral"


def test_bi_role_reads_the_view_but_not_the_partner_tables(built_lane_b: str) -> None:
    with psycopg.connect(built_lane_b, autocommit=True) as conn:
        conn.execute("set role lanes_bi")
        assert conn.execute("select count(*) from bit.v_partner_outreach_ready").fetchone() == (2,)
        for table in ("partners.fractional_cfo_master", "bit.partner_intent"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
                conn.execute(f"select 1 from {table}")


def test_export_csv_marks_partners_touched(
    built_lane_b: str, tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", built_lane_b)
    out = tmp_path / "partners.csv"
    monkeypatch.setattr(
        "sys.argv", ["loader", "export", "lane-b", str(out), "--mark-touched", "--actor", "ana"]
    )
    with pytest.raises(SystemExit) as done:
        main()
        raise SystemExit(0)
    assert (done.value.code or 0) == 0
    assert "wrote 2 row(s)" in capsys.readouterr().out
    exported = pl.read_csv(out)
    assert exported["email"].to_list() == ["dana@ledgerline.com", "sam@northwind.com"]
    with psycopg.connect(built_lane_b) as conn:
        assert ready(conn) == {}
        channels = conn.execute(
            "select m.email, t.channel::text from partners.partner_touches t"
            " join partners.fractional_cfo_master m using (fractional_cfo_id) order by 1"
        ).fetchall()
    assert channels == [("dana@ledgerline.com", "email"), ("sam@northwind.com", "linkedin")]


def test_tool_formats_split_the_contact_name_and_leave_out_what_they_cannot_send(
    built_lane_b: str, tmp_path: Path
) -> None:
    out = tmp_path / "heyreach.csv"
    with psycopg.connect(built_lane_b, autocommit=True) as conn:
        result = export_queue(conn, READY_QUEUE, out, tool="heyreach", mark_touched=True)
        touched = conn.execute("select count(*) from partners.partner_touches").fetchone()[0]
        still_ready = set(ready(conn))
    [sam] = pl.read_csv(out).iter_rows(named=True)
    assert (sam["firstName"], sam["lastName"]) == ("Sam", "Two")
    assert sam["profileUrl"] == "https://www.linkedin.com/in/sam-two"
    assert sam["companyName"] == "Northwind Advisory"
    assert sam["lanes_lane"] == "lane_b" and sam["lanes_key"]
    assert result.left_out == {"recommended channel is email, which heyreach does not send on": 1}
    assert touched == 1 and still_ready == {"dana@ledgerline.com"}

    lemlist = tmp_path / "lemlist.xlsx"
    with psycopg.connect(built_lane_b, autocommit=True) as conn:
        export_queue(conn, READY_QUEUE, lemlist, tool="lemlist")
    [dana] = pl.read_excel(lemlist).iter_rows(named=True)
    assert (dana["firstName"], dana["lastName"], dana["email"]) == (
        "Dana", "One", "dana@ledgerline.com",
    )  # fmt: skip
    assert dana["icebreaker"].startswith("Hi Dana")
