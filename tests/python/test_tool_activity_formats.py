"""Every outreach tool's activity as it documents it: Smartlead's events, Instantly's
lead-list export (its numeric status), HeyReach's repeated reply stream, lemlist's and
Instantly's phone column on the way out. Matched back without a dbt build: the meetings
are loaded, and the touches name them by email or by our lanes_key.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from crm_people import HEADERS, PEOPLE
from sheets import write_csv, write_xlsx

from loader.ingest.flow import IngestOptions
from loader.lanes.lane_a.ingest import ingest
from loader.lanes.lane_a.touches import TOUCHES
from loader.outreach.touches import ingest_touches

# Reading each tool's columns is the loader's work: once, in the embedded run.
pytestmark = pytest.mark.once

EARLIER = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=3)
AT = f"{EARLIER:%Y-%m-%dT%H:%M:%S}Z"
LATER = f"{EARLIER + dt.timedelta(hours=1):%Y-%m-%dT%H:%M:%S}Z"


@pytest.fixture
def loaded(migrated_db: str, tmp_path: Path) -> str:
    with psycopg.connect(migrated_db) as conn:
        report = ingest(conn, write_xlsx(tmp_path / "crm.xlsx", HEADERS, PEOPLE), IngestOptions())
    assert report.inserted == len(PEOPLE)
    return migrated_db


def load(url: str, path: Path, tool: str) -> dict:
    with psycopg.connect(url) as conn:
        return ingest_touches(conn, TOUCHES, path, IngestOptions(actor="t"), tool).as_json()


def stored_events(url: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "select p.person_name, t.channel::text, t.event, t.tool"
            " from sales.reactivation_touches t"
            " join sales.appointment_history a using (appointment_uid)"
            " join sales.prospect_people p using (people_id) order by 1, 3"
        ).fetchall()


def test_smartlead_events_new_and_old_field_names(loaded: str, tmp_path: Path) -> None:
    # help.smartlead.ai webhook guide: event_type, event_timestamp (older: time_sent /
    # time_replied), to_email (older: lead_email).
    headers = ["event_type", "event_timestamp", "time_sent", "to_email", "lead_email",
               "campaign_name"]  # fmt: skip
    rows = [
        ["EMAIL_SENT", AT, None, "dana@northwind.com", None, "Q4"],
        ["FIRST_EMAIL_SENT", AT, None, "dana@northwind.com", None, "Q4"],  # the same send
        ["EMAIL_SENT", None, AT, None, "sam@contoso.com", "Q4"],
        ["EMAIL_OPEN", LATER, None, "sam@contoso.com", None, "Q4"],
        ["EMAIL_REPLY", LATER, None, "dana@northwind.com", None, "Q4"],
        ["EMAIL_BOUNCE", LATER, None, None, "sam@contoso.com", "Q4"],
        ["LEAD_UNSUBSCRIBED", LATER, None, "nobody@elsewhere.example", None, "Q4"],
    ]
    report = load(loaded, write_csv(tmp_path / "smartlead.csv", headers, rows), "smartlead")
    assert (report["inserted"], report["duplicates"], report["rejected"]) == (5, 1, 0)
    assert any("EMAIL_OPEN: 1" in w for w in report["warnings"])
    assert report["unsubscribes_kept_for_unknown_addresses"] == 1
    assert stored_events(loaded) == [
        ("Dana Whitfield", "email", "replied", "smartlead"),
        ("Dana Whitfield", "email", "sent", "smartlead"),
        ("Sam Ortiz", "email", "bounced", "smartlead"),
        ("Sam Ortiz", "email", "sent", "smartlead"),
    ]


def test_instantly_lead_list_status_says_bounced_and_unsubscribed(
    loaded: str, tmp_path: Path
) -> None:
    # developer.instantly.ai lead schema: status 1 active, 2 paused, 3 completed,
    # -1 bounced, -2 unsubscribed, -3 skipped; timestamp_updated.
    headers = ["email", "first_name", "status", "timestamp_updated", "email_reply_count"]
    rows = [
        ["dana@northwind.com", "Dana", "-1", AT, "0"],
        ["sam@contoso.com", "Sam", "-2", AT, "0"],
        ["someone@fabrikam.com", "Lee", "1", AT, "0"],
        ["x@y.example", "X", "3", AT, "0"],
    ]
    report = load(loaded, write_csv(tmp_path / "leads.csv", headers, rows), "instantly")
    assert (report["inserted"], report["rejected"]) == (2, 0), report
    # With its reply count it is read as a lead export; x@y.example is another campaign's.
    assert any(
        "read as an Instantly lead export: 1 bounced, 1 unsubscribed; 2 lead(s) with none" in w
        for w in report["warnings"]
    ), report["warnings"]
    assert stored_events(loaded) == [
        ("Dana Whitfield", "email", "bounced", "instantly"),
        ("Sam Ortiz", "email", "unsubscribed", "instantly"),
    ]


def test_instantly_lead_list_gives_our_key_back_in_its_payload(loaded: str, tmp_path: Path) -> None:
    # The lead schema keeps custom variables in `payload`; flattened, payload.lanes_key.
    # The address is one we do not know (the lead's email changed in the tool): the key
    # still names the meeting.
    with psycopg.connect(loaded) as conn:
        (uid,) = conn.execute(
            "select a.appointment_uid from sales.appointment_history a"
            " join sales.prospect_people p using (people_id) where p.person_name = 'Sam Ortiz'"
        ).fetchone()
    headers = ["email", "status", "timestamp_updated", "payload.lanes_key"]
    rows = [["sam.ortiz@new-address.example", "-1", AT, uid]]
    report = load(loaded, write_csv(tmp_path / "leads.csv", headers, rows), "instantly")
    assert (report["inserted"], report["rejected"]) == (1, 0), report
    assert stored_events(loaded) == [("Sam Ortiz", "email", "bounced", "instantly")]


def test_heyreach_every_reply_stream_counts_a_reply_once(loaded: str, tmp_path: Path) -> None:
    headers = ["eventType", "timestamp", "leadProfile.linkedInUrl"]
    lee = "https://www.linkedin.com/in/lee-k"
    rows = [
        ["MESSAGE_SENT", AT, lee],
        ["MESSAGE_REPLY_RECEIVED", LATER, lee],
        ["EVERY_MESSAGE_REPLY_RECEIVED", LATER[:-1] + ".5Z", lee],
    ]
    report = load(loaded, write_csv(tmp_path / "heyreach.csv", headers, rows), "heyreach")
    assert (report["inserted"], report["rejected"]) == (2, 0)
    assert any("a reply counts once" in w for w in report["warnings"])
    assert [e[2] for e in stored_events(loaded)] == ["replied", "sent"]


def test_a_tools_file_without_its_event_column_is_one_line(loaded: str, tmp_path: Path) -> None:
    from loader.errors import FileUnusable

    path = write_csv(tmp_path / "wrong.csv", ["to_email", "when"], [["a@b.example", AT]])
    with pytest.raises(FileUnusable, match="not a Smartlead activity export: no event_type"):
        load(loaded, path, "smartlead")


def test_the_phone_goes_to_the_tools_that_take_it(
    migrated_db: str, tmp_path: Path, capsys, monkeypatch
) -> None:
    from cli_run import run_main
    from dbt_project_runner import dbt_build

    with psycopg.connect(migrated_db) as conn:
        headers = [*HEADERS, "phone"]
        rows = [[*PEOPLE[0], "+1 555 0100"]]
        ingest(conn, write_xlsx(tmp_path / "crm.xlsx", headers, rows), IngestOptions())
    dbt_build(migrated_db, "lane_a", with_tests=False)
    monkeypatch.setenv("DATABASE_URL", migrated_db)
    for tool, column in (
        ("lemlist", "phone"),
        ("instantly", "phone"),
        ("smartlead", "phone_number"),
    ):
        out = tmp_path / f"{tool}.csv"
        code, _, err = run_main(
            ["export", "lane-a", str(out), "--format", tool], capsys, monkeypatch
        )
        assert code == 0, err
        with out.open(encoding="utf-8-sig") as handle:
            [row] = list(csv.DictReader(handle))
        assert row[column] == "+1 555 0100", tool


def test_a_send_no_export_recorded_keeps_the_score_the_tool_gives_back(
    loaded: str, tmp_path: Path
) -> None:
    headers = ["type", "createdAt", "leadEmail", "lead.variables.lanes_score",
               "lead.variables.lanes_tier"]  # fmt: skip
    rows = [["emailsSent", AT, "dana@northwind.com", "87.5", "hot"],
            ["emailsSent", AT, "sam@contoso.com", "high", None]]  # fmt: skip
    report = load(loaded, write_csv(tmp_path / "lemlist.csv", headers, rows), "lemlist")
    [error] = report["errors"]
    assert (error["row"], error["column"]) == (3, "score_at_touch")
    assert "not a score from 0 to 100" in error["message"]
    report = load(loaded, write_csv(tmp_path / "ok.csv", headers, rows[:1]), "lemlist")
    assert report["inserted"] == 1
    with psycopg.connect(loaded) as conn:
        assert conn.execute(
            "select score_at_touch, tier_at_touch from sales.reactivation_touches"
        ).fetchone() == (Decimal("87.50"), "hot")


# api.smartlead.ai, "Export data from a campaign" (GET /campaigns/{id}/leads-export), and
# the Leads > Export button: the same columns.
SMARTLEAD_LEADS = ["id", "campaign_lead_map_id", "status", "category", "is_interested",
                   "created_at", "first_name", "last_name", "email", "phone_number",
                   "company_name", "website", "location", "custom_fields", "linkedin_profile",
                   "company_url", "is_unsubscribed", "unsubscribed_client_id_map",
                   "last_email_sequence_sent", "open_count", "click_count",
                   "reply_count"]  # fmt: skip


def smartlead_lead(email: str, status: str, unsubscribed: str, replies: str, fields: str = "{}"):
    return ["1", "11", status, "", "false", "2026-11-01T10:00:00.000Z", "F", "L", email, "",
            "Co", "", "", fields, "", "", unsubscribed, "{}", "2", "3", "0", replies]  # fmt: skip


def test_smartlead_lead_export_reads_replies_unsubscribes_and_blocks_once(
    loaded: str, tmp_path: Path
) -> None:
    with psycopg.connect(loaded) as conn:
        (lee_uid,) = conn.execute(
            "select a.appointment_uid from sales.appointment_history a"
            " join sales.prospect_people p using (people_id) where p.person_name = 'Lee Kim'"
        ).fetchone()
    rows = [
        smartlead_lead("dana@northwind.com", "INPROGRESS", "false", "2"),  # replied
        smartlead_lead("sam@contoso.com", "COMPLETED", "true", "0"),  # unsubscribed
        # An address the tool has, not ours: our key in its custom fields names the meeting.
        smartlead_lead("lee.kim@elsewhere.example", "BLOCKED", "false", "0",
                       f'{{"lanes_key": "{lee_uid}", "lanes_tier": "warm"}}'),
        smartlead_lead("stranger@other-campaign.example", "INPROGRESS", "false", "1"),
        smartlead_lead("quiet@northwind.com", "STARTED", "false", "0"),  # nothing to record
    ]  # fmt: skip
    path = write_csv(tmp_path / "leads.csv", SMARTLEAD_LEADS, rows)
    report = load(loaded, path, "smartlead")
    assert (report["inserted"], report["rejected"]) == (3, 0), report
    assert report["unsubscribed_excluded"] == 2
    assert any("skipped 1 row(s) about people Lane A never stored" in w
               for w in report["warnings"]), report["warnings"]  # fmt: skip
    assert stored_events(loaded) == [
        ("Dana Whitfield", "email", "replied", "smartlead"),
        ("Lee Kim", "email", "unsubscribed", "smartlead"),
        ("Sam Ortiz", "email", "unsubscribed", "smartlead"),
    ]
    # Next week's export says the same: nothing new is recorded.
    again = write_csv(tmp_path / "leads-next-week.csv", SMARTLEAD_LEADS, rows)
    report = load(loaded, again, "smartlead")
    assert (report["inserted"], report["duplicates"]) == (0, 3), report
