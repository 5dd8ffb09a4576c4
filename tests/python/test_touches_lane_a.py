"""Lane A outreach activity comes back: generic files and each tool's activity export."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import polars as pl
import psycopg
import pytest
from cli_run import run_main
from crm_people import load_and_build
from dbt_project_runner import copy_project, dbt_build, run_dbt_captured
from sheets import write_csv

from loader.ingest.flow import IngestOptions
from loader.lanes.lane_a.export import READY_QUEUE
from loader.lanes.lane_a.ingest import ingest
from loader.lanes.lane_a.touches import TOUCHES
from loader.outreach.queue_export import export_queue
from loader.outreach.touches import ingest_touches

pytestmark = pytest.mark.dbt

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
EARLIER = NOW - dt.timedelta(hours=2)


@pytest.fixture
def built(database_copy) -> str:
    return database_copy("lane_a_crm_people", load_and_build)


def queue(conn: psycopg.Connection) -> dict[str, tuple]:
    """person_name -> (appointment_uid, channel, variant, reason codes) of the ready view."""
    rows = conn.execute(
        "select person_name, appointment_uid, recommended_channel::text, message_variant_id,"
        " bit_reason_codes from bit.v_reactivation_ready"
    ).fetchall()
    return {row[0]: row[1:] for row in rows}


def meetings(conn: psycopg.Connection) -> dict[str, str]:
    """person_name -> appointment_uid of every stored meeting, ready or not (Ana Lima has
    no address: never ready, yet a touch may name her meeting)."""
    return dict(
        conn.execute(
            "select p.person_name, h.appointment_uid from sales.appointment_history as h"
            " join sales.prospect_people as p using (people_id) order by 1"
        ).fetchall()
    )


def load(conn: psycopg.Connection, path: Path, tool: str = "generic", **options) -> dict:
    report = ingest_touches(conn, TOUCHES, path, IngestOptions(actor="test", **options), tool)
    return report.as_json()


def events(conn: psycopg.Connection) -> list[tuple]:
    return conn.execute(
        "select p.person_name, t.channel::text, t.event, t.tool, t.message_variant_id"
        " from sales.reactivation_touches t"
        " join sales.appointment_history a using (appointment_uid)"
        " join sales.prospect_people p using (people_id) order by 1, 3"
    ).fetchall()


def test_an_exported_queue_comes_back_with_no_manual_matching(built: str, tmp_path: Path) -> None:
    exported = tmp_path / "queue.csv"
    with psycopg.connect(built, autocommit=True) as conn:
        export_queue(conn, READY_QUEUE, exported)
        before = queue(conn)
    sent = pl.read_csv(exported, infer_schema=False).select(
        "appointment_uid",
        pl.col("recommended_channel").alias("channel"),
        pl.lit(f"{EARLIER:%Y-%m-%d %H:%M}").alias("touched_at"),
        "message_variant_id",
    )
    activity = write_csv(tmp_path / "sent.csv", sent.columns, [list(r) for r in sent.rows()])
    with psycopg.connect(built, autocommit=True) as conn:
        report = load(conn, activity)
        assert (report["inserted"], report["rejected"]) == (len(before), 0)
        assert queue(conn) == {}  # sent since the build: out of the queue at once
        again = load(conn, activity)
        assert (again["inserted"], again["duplicates"]) == (0, len(before))
        stored = conn.execute(
            "select touched_at, tool from sales.reactivation_touches limit 1"
        ).fetchone()
    assert stored == (EARLIER.replace(second=0), "generic")


def test_lemlist_activity_export(built: str, tmp_path: Path) -> None:
    out = tmp_path / "lemlist.csv"
    with psycopg.connect(built, autocommit=True) as conn:
        export_queue(conn, READY_QUEUE, out, tool="lemlist")
    leads = {row["firstName"]: row for row in pl.read_csv(out).iter_rows(named=True)}
    dana, sam = leads["Dana"], leads["Sam"]
    # The columns lemlist documents for an activity, plus our custom variables as lead variables.
    headers = ["type", "createdAt", "leadEmail", "campaignId", "lanes_key", "lanes_variant"]
    rows = [
        ["emailsSent", f"{EARLIER:%Y-%m-%dT%H:%M:%S}.000Z", dana["email"], "cam_1",
         dana["lanes_key"], dana["lanes_variant"]],
        ["emailsOpened", f"{NOW:%Y-%m-%dT%H:%M:%S}.000Z", dana["email"], "cam_1",
         dana["lanes_key"], dana["lanes_variant"]],
        ["emailsReplied", f"{NOW:%Y-%m-%dT%H:%M:%S}.000Z", dana["email"], "cam_1",
         dana["lanes_key"], None],
        ["emailsUnsubscribed", f"{EARLIER:%Y-%m-%dT%H:%M:%S}.000Z", sam["email"], "cam_1",
         sam["lanes_key"], None],
    ]  # fmt: skip
    activity = write_csv(tmp_path / "lemlist_activities.csv", headers, rows)
    with psycopg.connect(built, autocommit=True) as conn:
        report = load(conn, activity, "lemlist")
        assert (report["inserted"], report["rejected"]) == (3, 0), report["errors"]
        assert report["unsubscribed_excluded"] == 1
        assert any("emailsOpened: 1" in w for w in report["warnings"])
        # leadEmail is read (it names the person when lanes_key is gone); campaignId is not.
        assert any("campaignId" in w and "leadEmail" not in w for w in report["warnings"])
        assert events(conn) == [
            ("Dana Whitfield", "email", "replied", "lemlist", None),
            ("Dana Whitfield", "email", "sent", "lemlist", dana["lanes_variant"]),
            ("Sam Ortiz", "email", "unsubscribed", "lemlist", None),
        ]
        # Honouring the opt-out needs no rebuild and no retyping: Sam is excluded now.
        reason = conn.execute(
            "select scope, reason, cause from sales.reactivation_kill_switch"
        ).fetchone()
        # Typed: an opt-out is found by its cause, never by the text of its reason.
        assert reason == ("person", f"unsubscribed (lemlist, {EARLIER:%Y-%m-%d})", "unsubscribed")
        assert "Sam Ortiz" not in queue(conn)


def test_an_instantly_bounce_sends_the_next_message_to_linkedin(
    built: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with psycopg.connect(built) as conn:
        dana_uid = queue(conn)["Dana Whitfield"][0]
    headers = ["timestamp", "event_type", "lead_email", "campaign_name", "lanes_key"]
    rows = [
        [f"{EARLIER:%Y-%m-%dT%H:%M:%S}Z", "email_bounced", "dana@northwind.com", "Q4", dana_uid],
        # Two hours ahead of UTC: the same instant in another zone is the same event.
        [f"{EARLIER + dt.timedelta(hours=2):%Y-%m-%dT%H:%M:%S}+02:00", "email_bounced",
         "dana@northwind.com", "Q4", dana_uid],
    ]  # fmt: skip
    activity = write_csv(tmp_path / "instantly.csv", headers, rows)
    with psycopg.connect(built, autocommit=True) as conn:
        report = load(conn, activity, "instantly")
    assert (report["inserted"], report["duplicates"]) == (1, 1)
    dbt_build(built, "lane_a", with_tests=False)
    with psycopg.connect(built) as conn:
        _, channel, variant, codes = queue(conn)["Dana Whitfield"]
    assert channel == "linkedin" and variant.endswith("LINKEDIN-v1")
    assert codes[-1] == "CHANNEL_EMAIL_BOUNCED"


def test_heyreach_messages_count_as_linkedin_touches(built: str, tmp_path: Path) -> None:
    with psycopg.connect(built) as conn:
        lee_uid = queue(conn)["Lee Kim"][0]
    headers = ["eventType", "timestamp", "leadProfile.linkedInUrl", "lanes_key"]
    rows = [
        ["CONNECTION_REQUEST_SENT", f"{EARLIER:%Y-%m-%d %H:%M}", "https://linkedin.com/in/lee-k",
         lee_uid],
        ["VIEWED_PROFILE", f"{EARLIER:%Y-%m-%d %H:%M}", "https://linkedin.com/in/lee-k", lee_uid],
    ]  # fmt: skip
    with psycopg.connect(built, autocommit=True) as conn:
        report = load(conn, write_csv(tmp_path / "heyreach.csv", headers, rows), "heyreach")
        assert report["inserted"] == 1 and any("VIEWED_PROFILE: 1" in w for w in report["warnings"])
        assert events(conn) == [("Lee Kim", "linkedin", "sent", "heyreach", None)]
        assert "Lee Kim" not in queue(conn)


def test_bad_activity_rows_are_named_and_nothing_is_written(built: str, tmp_path: Path) -> None:
    with psycopg.connect(built) as conn:
        uid = queue(conn)["Dana Whitfield"][0]
    future = NOW + dt.timedelta(days=2)
    headers = ["appointment_uid", "channel", "touched_at", "event"]
    rows = [
        [uid, "email", f"{EARLIER:%Y-%m-%d %H:%M}", "sent"],
        ["no-such-meeting", "email", f"{EARLIER:%Y-%m-%d}", "sent"],
        [uid, "email", f"{future:%Y-%m-%d}", "sent"],
        [uid, "fax", f"{EARLIER:%Y-%m-%d}", "opened"],
        [None, "email", f"{EARLIER:%Y-%m-%d}", None],
    ]
    path = write_csv(tmp_path / "bad.csv", headers, rows)
    with psycopg.connect(built, autocommit=True) as conn:
        report = load(conn, path)
        errors = {(e["row"], e["column"]): e["message"] for e in report["errors"]}
        assert "no stored meeting has this appointment_uid" in errors[(3, "appointment_uid")]
        assert "in the future" in errors[(4, "touched_at")]
        assert "email, linkedin" in errors[(5, "channel")]
        assert "sent, replied, bounced, unsubscribed" in errors[(5, "event")]
        assert "which meeting?" in errors[(6, "appointment_uid")]
        assert conn.execute("select count(*) from sales.reactivation_touches").fetchone() == (0,)
        partial = load(conn, path, skip_invalid=True)
        assert (partial["inserted"], partial["rejected"]) == (1, 4)


def test_a_person_types_one_touch(
    built: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("DATABASE_URL", built)
    with psycopg.connect(built) as conn:
        # Not in the queue (no address: needs contact details); a typed touch names any meeting.
        (uid,) = conn.execute(
            "select a.appointment_uid from sales.appointment_history as a"
            " join sales.prospect_people as p using (people_id) where p.person_name = 'Ana Lima'"
        ).fetchone()
    args = ["touch", "lane-a", uid, "--channel", "email", "--at", f"{EARLIER:%Y-%m-%d %H:%M}"]
    code, out, _ = run_main(args, capsys, monkeypatch)
    assert code == 0 and "recorded sent on email" in out
    code, out, _ = run_main(args, capsys, monkeypatch)
    assert code == 0 and "already recorded" in out
    code, _, err = run_main(["touch", "lane-a", "nope", "--channel", "email"], capsys, monkeypatch)
    assert code == 2 and "no stored meeting has appointment_uid 'nope'" in err
    with psycopg.connect(built) as conn:
        assert events(conn) == [("Ana Lima", "email", "sent", "person", None)]
        assert "Ana Lima" not in queue(conn)


def test_mark_touched_keeps_the_score_tier_variant_and_reasons_the_row_left_with(
    built: str, tmp_path: Path
) -> None:
    with psycopg.connect(built, autocommit=True) as conn:
        before = conn.execute(
            "select appointment_uid, bit_score, tier, message_variant_id, bit_reason_codes"
            " from bit.v_reactivation_ready order by 1"
        ).fetchall()
        export_queue(conn, READY_QUEUE, tmp_path / "q.xlsx", mark_touched=True)
        after = conn.execute(
            "select appointment_uid, score_at_touch, tier_at_touch, message_variant_id,"
            " reason_codes_at_touch from sales.reactivation_touches"
            " where tool = 'export' and event = 'planned' order by 1"
        ).fetchall()
    assert after == before
    assert all(row[4] for row in after)


def test_the_performance_view_counts_meetings_that_came_back(
    built: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ten_days_ago = NOW - dt.timedelta(days=10)
    with psycopg.connect(built) as conn:
        uids = meetings(conn)
    sent = [[uid, "email", f"{ten_days_ago:%Y-%m-%d %H:%M}", "sent"] for uid in uids.values()]
    reply = [[uids["Dana Whitfield"], "email", f"{ten_days_ago + dt.timedelta(days=1):%Y-%m-%d}",
              "replied"]]  # fmt: skip
    headers = ["appointment_uid", "channel", "touched_at", "event"]
    with psycopg.connect(built, autocommit=True) as conn:
        assert load(conn, write_csv(tmp_path / "t.csv", headers, sent + reply))["inserted"] == 5
    # Three of the four people meet again five days ago: 3 of 4 reactivated.
    new_meetings = write_csv(
        tmp_path / "new.csv",
        ["crm_person_id", "crm_company_id", "meeting_date", "meeting_type", "meeting_outcome"],
        [[crm, company, f"{NOW - dt.timedelta(days=5):%Y-%m-%d}", "numbers", "progressed"]
         for crm, company in ((1001, 501), (1002, 502), (1003, 503))],
    )  # fmt: skip
    with psycopg.connect(built) as conn:
        assert ingest(conn, new_meetings, IngestOptions(actor="t")).inserted == 3
    dbt_build(built, "lane_a", with_tests=False)
    with psycopg.connect(built, autocommit=True) as conn:
        conn.execute("set role lanes_bi")  # what a BI tool sees
        overall = conn.execute(
            "select touches, replies, meetings, reply_rate, meeting_rate, meeting_rate_low,"
            " meeting_rate_high from bit.v_reactivation_performance"
            " where bucket_key = 'overall:all'"
        ).fetchone()
        by_channel = conn.execute(
            "select bucket, touches from bit.v_reactivation_performance where dimension = 'channel'"
        ).fetchall()
    # Wilson 95% for 3 of 4, by hand:
    # (0.75 + 1.96²/8 ± 1.96·√(0.75·0.25/4 + 1.96²/64)) / (1 + 1.96²/4) = 0.3006 .. 0.9544
    assert overall == (4, 1, 3, Decimal("0.2500"), Decimal("0.7500"), Decimal("0.3006"),
                       Decimal("0.9544"))  # fmt: skip
    assert by_channel == [("email", 4)]


def test_a_send_from_before_the_export_confirms_it_once(built: str, tmp_path: Path) -> None:
    """The file went to the tool before the export was marked (or a past campaign's
    activity is loaded afterwards): the tool's send ten days before the planned touch
    still confirms it, and the meeting that came back is credited to that one send."""
    ten_days_ago = NOW - dt.timedelta(days=10)
    with psycopg.connect(built, autocommit=True) as conn:
        export_queue(conn, READY_QUEUE, tmp_path / "q.xlsx", mark_touched=True)
        planned = conn.execute(
            "select t.appointment_uid, t.channel::text, p.crm_person_id"
            " from sales.reactivation_touches t join sales.appointment_history a"
            " using (appointment_uid) join sales.prospect_people p using (people_id)"
            " where t.event = 'planned' order by p.crm_person_id"
        ).fetchall()
    sent = [[uid, channel, f"{ten_days_ago:%Y-%m-%d %H:%M}", "sent"] for uid, channel, _ in planned]
    headers = ["appointment_uid", "channel", "touched_at", "event"]
    with psycopg.connect(built, autocommit=True) as conn:
        assert load(conn, write_csv(tmp_path / "t.csv", headers, sent))["inserted"] == len(sent)
    first_crm = planned[0][2]
    new_meeting = write_csv(
        tmp_path / "new.csv",
        ["crm_person_id", "meeting_date", "meeting_type", "meeting_outcome"],
        [[first_crm, f"{NOW - dt.timedelta(days=5):%Y-%m-%d}", "numbers", "progressed"]],
    )
    with psycopg.connect(built) as conn:
        assert ingest(conn, new_meeting, IngestOptions(actor="t")).inserted == 1
    dbt_build(built, "lane_a", with_tests=False)
    with psycopg.connect(built) as conn:
        statuses = conn.execute(
            "select send_status, count(*), min(sent_at) = max(sent_at)"
            " from lane_a.int_reactivation__sends group by 1"
        ).fetchall()
        outcomes = conn.execute(
            "select count(*), count(*) filter (where met_again),"
            " count(*) filter (where score_at_touch is not null) from bit.reactivation_outcomes"
        ).fetchone()
    assert statuses == [("confirmed", len(planned), True)]
    assert outcomes == (len(planned), 1, len(planned))


@pytest.mark.once  # dbt's warning severity, whatever the server
def test_tiers_out_of_order_raise_a_warning(built: str, tmp_path: Path) -> None:
    """hot touches bringing fewer meetings back than cool ones: the weights need a look."""
    with psycopg.connect(built, autocommit=True) as conn:
        rows = list(meetings(conn).items())
        tiers = ["hot", "hot", "cool", "cool"]
        for (_, uid), tier in zip(rows, tiers, strict=True):
            conn.execute(
                "insert into sales.reactivation_touches (appointment_uid, channel, touched_at,"
                " actor, event, tier_at_touch) values (%s, 'email', now() - interval '10 days',"
                " 'test', 'sent', %s)",
                (uid, tier),
            )
    # The cool ones meet again; the hot ones do not.
    cool = [name for (name, _), tier in zip(rows, tiers, strict=True) if tier == "cool"]
    with psycopg.connect(built, autocommit=True) as conn:
        for name in cool:
            conn.execute(
                "insert into sales.appointment_history (appointment_uid, company_id, people_id,"
                " meeting_date, meeting_type, meeting_outcome, source)"
                " select h.company_id || '|' || h.people_id || '|'"
                " || to_char(current_date - 5, 'YYYY-MM-DD'), h.company_id, h.people_id,"
                " current_date - 5,"
                " 'numbers', 'progressed', 'manual' from sales.prospect_people"
                " join sales.appointment_history h using (people_id) where person_name = %s"
                " limit 1",
                (name,),
            )
    project = copy_project(tmp_path / "project")
    check = "assert_reactivation_tiers_rank_meetings"
    args = ["build", "--select", f"+{check}", "--vars", "{reactivation_min_touches_per_tier: 2}"]
    run = run_dbt_captured(built, project, args)
    assert run.code == 0, run.output  # a warning, not a failure
    assert f"WARN 1 {check}" in run.output
    quiet = run_dbt_captured(built, project, ["test", "--select", check])  # 30 touches a tier
    assert f"PASS {check}" in quiet.output


def test_status_shows_the_week_on_one_screen(
    built: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    with psycopg.connect(built) as conn:
        dana_uid = queue(conn)["Dana Whitfield"][0]
    path = write_csv(
        tmp_path / "week.csv",
        ["appointment_uid", "channel", "touched_at", "event"],
        [[dana_uid, "email", f"{EARLIER:%Y-%m-%d %H:%M}", "sent"],
         [dana_uid, "email", f"{NOW - dt.timedelta(days=20):%Y-%m-%d}", "sent"]],
    )  # fmt: skip
    with psycopg.connect(built, autocommit=True) as conn:
        assert load(conn, path)["inserted"] == 2
    monkeypatch.setenv("DATABASE_URL", built)
    code, out, _ = run_main(["status", "lane-a", "--json"], capsys, monkeypatch)
    assert code == 0
    status = json.loads(out)
    assert status["loaded"] == {"meetings": 4, "people": 4, "touch events": 2}
    assert status["last_load"]["file"] == "week.csv"
    ready = status["sections"]["queue"]
    # Dana was touched since the build; Ana Lima has no address (needs contact details).
    assert sum(row["rows"] for row in ready) == 2
    # Every meeting is in one status bucket: they add up to the meetings loaded.
    buckets = {(r["status"], r["reason"]): r["rows"] for r in status["sections"]["out_of_queue"]}
    assert sum(buckets.values()) == status["loaded"]["meetings"]
    assert buckets == {
        ("ready", ""): 2,
        ("eligible", "changed_since_build"): 1,
        ("excluded", "needs_contact_details"): 1,
    }
    activity = status["sections"]["activity"]
    assert activity == [
        # Dana's second send, with no export behind it, is the next step of a sequence.
        {
            "activity": "sent: a follow-up (a later step of the sequence)",
            "last 7 days": 1,
            "last 30 days": 1,
            "all": 1,
        },
        {"activity": "sent: not from an export", "last 7 days": 0, "last 30 days": 1, "all": 1},
    ]
    assert status["sections"]["rates"] == []
    code, out, _ = run_main(["status", "lane-a"], capsys, monkeypatch)
    assert code == 0 and "last load: week.csv -> sales.reactivation_touches" in out
    assert max(len(line) for line in out.splitlines()) <= 100


def test_the_touches_templates_hold_the_activity_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    for lane, key, at_touch in (
        ("lane-a", "appointment_uid", "tier_at_touch"),
        ("lane-b", "fractional_cfo_id", "next_action_at_touch"),
    ):
        out = tmp_path / f"{lane}.xlsx"
        code, _, _ = run_main(["template", lane, "touches", str(out)], capsys, monkeypatch)
        assert code == 0
        headers = pl.read_excel(out).columns
        assert headers[0] == key
        assert headers[-7:] == ["channel", "touched_at", "event", "message_variant_id",
                                "score_at_touch", "note", at_touch]  # fmt: skip


def test_a_reply_and_a_dead_address_take_the_prospect_out_of_the_queue(
    built: str, tmp_path: Path
) -> None:
    """Lee replied (a person answers now); Sam's only address bounced (never mailed again)."""
    with psycopg.connect(built) as conn:
        uids = meetings(conn)
    headers = ["appointment_uid", "channel", "touched_at", "event"]
    rows = [
        [uids["Lee Kim"], "linkedin", f"{EARLIER:%Y-%m-%d %H:%M}", "replied"],
        [uids["Sam Ortiz"], "email", f"{EARLIER:%Y-%m-%d %H:%M}", "bounced"],
    ]
    with psycopg.connect(built, autocommit=True) as conn:
        assert load(conn, write_csv(tmp_path / "back.csv", headers, rows))["inserted"] == 2
    dbt_build(built, "lane_a", with_tests=False)
    with psycopg.connect(built) as conn:
        assert set(queue(conn)) == {"Dana Whitfield"}
        reasons = dict(
            conn.execute(
                "select appointment_uid, exclusion_reason from bit.reactivation_intent"
                " where eligibility_status = 'excluded'"
            ).fetchall()
        )
    assert reasons == {
        uids["Lee Kim"]: "replied",
        uids["Sam Ortiz"]: "unreachable",
        uids["Ana Lima"]: "needs_contact_details",
    }


def test_activity_without_our_custom_fields_is_matched_by_email_or_linkedin_url(
    built: str, tmp_path: Path
) -> None:
    """Tools drop custom variables: the person's address names them, and the meeting is
    the one last exported to them (else their latest)."""
    out = tmp_path / "queue.csv"
    with psycopg.connect(built, autocommit=True) as conn:
        export_queue(conn, READY_QUEUE, out, mark_touched=True)
        exported = dict(
            conn.execute(
                "select p.person_name, t.appointment_uid from sales.reactivation_touches t"
                " join sales.appointment_history h using (appointment_uid)"
                " join sales.prospect_people p using (people_id) where t.tool = 'export'"
            ).fetchall()
        )
    lemlist = write_csv(
        tmp_path / "lemlist.csv",
        ["type", "createdAt", "leadEmail"],
        [
            ["emailsReplied", f"{NOW:%Y-%m-%dT%H:%M:%S}.000Z", "DANA@northwind.com"],
            ["emailsSent", f"{EARLIER:%Y-%m-%dT%H:%M:%S}.000Z", "nobody@nowhere.example"],
        ],
    )
    heyreach = write_csv(
        tmp_path / "heyreach.csv",
        ["eventType", "timestamp", "leadProfile.linkedInUrl"],
        [["MESSAGE_SENT", f"{EARLIER:%Y-%m-%dT%H:%M:%S}Z", "https://linkedin.com/in/lee-k/"]],
    )
    with psycopg.connect(built, autocommit=True) as conn:
        # Another campaign's lead in the same tool: skipped and counted, not refused.
        report = load(conn, lemlist, "lemlist")
        assert (report["inserted"], report["rejected"]) == (1, 0), report
        assert any(
            w.startswith("skipped 1 row(s) about people Lane A never stored")
            and "'nobody@nowhere.example'" in w
            for w in report["warnings"]
        ), report["warnings"]
        assert load(conn, heyreach, "heyreach")["inserted"] == 1
        matched = conn.execute(
            "select t.appointment_uid, t.event, t.tool from sales.reactivation_touches t"
            " where t.tool <> 'export' order by t.event"
        ).fetchall()
    assert matched == [
        (exported["Dana Whitfield"], "replied", "lemlist"),
        (exported["Lee Kim"], "sent", "heyreach"),
    ]
