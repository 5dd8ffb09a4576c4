"""Lane B ingest: partner matching and updates, partner meetings and their seq."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import psycopg
import pytest
from sheets import write_csv, write_xlsx

from loader.ingest.flow import IngestOptions
from loader.lanes.lane_b.ingest import ingest_meetings, ingest_partners

TODAY = dt.date(2026, 11, 24)
P_HEADERS = ["fractional_cfo_id", "firm_name", "primary_contact_name", "linkedin_url", "email",
             "geography", "niche_focus", "source", "status"]  # fmt: skip
DANA = [None, "Ledgerline CFO", "Dana Whitfield", "https://www.linkedin.com/in/dana",
        "Dana@Ledgerline.com", "Mid-Atlantic", "Healthcare", "Referral", None]  # fmt: skip
SAM = [None, "Northwind", "Sam Lee", None, "sam@northwind.io", "Midwest", "SaaS", "LinkedIn",
       "engaged"]  # fmt: skip
M_HEADERS = ["fractional_cfo_id", "partner_email", "linkedin_url", "meeting_date", "meeting_type",
             "outcome", "notes"]  # fmt: skip


def opts(**kwargs) -> IngestOptions:
    return IngestOptions(today=TODAY, **kwargs)


def load_partners(conn, tmp_path: Path, rows, name="p.xlsx", **kwargs):
    return ingest_partners(conn, write_xlsx(tmp_path / name, P_HEADERS, rows), opts(**kwargs))


def partner(conn, email: str) -> dict:
    cur = conn.cursor(row_factory=psycopg.rows.dict_row)
    return cur.execute(
        "select *, status::text as status from partners.fractional_cfo_master where email = %s",
        (email,),
    ).fetchone()


def test_new_partners_get_ids_and_defaults(conn, tmp_path: Path) -> None:
    report = load_partners(conn, tmp_path, [DANA, SAM])
    assert (report.inserted, report.updated, report.rejected) == (2, 0, 0)
    dana = partner(conn, "dana@ledgerline.com")
    assert dana["status"] == "prospect"
    assert [p["fractional_cfo_id"] for p in report.details["new_partner_ids"]] == [
        str(dana["fractional_cfo_id"]),
        str(partner(conn, "sam@northwind.io")["fractional_cfo_id"]),
    ]
    assert report.details["new_partner_ids"][0]["row"] == 2


def test_match_updates_only_filled_cells_and_audits_old_new(conn, tmp_path: Path) -> None:
    load_partners(conn, tmp_path, [DANA, SAM])
    update = [None, "Ledgerline CFO", "Dana Whitfield", None, "dana@ledgerline.com", None,
              "Healthcare & Biotech", "Referral", "engaged"]  # fmt: skip
    report = load_partners(conn, tmp_path, [update, SAM], name="p2.xlsx")
    assert (report.inserted, report.updated, report.duplicates) == (0, 1, 1)
    dana = partner(conn, "dana@ledgerline.com")
    assert dana["status"] == "engaged" and dana["niche_focus"] == "Healthcare & Biotech"
    assert dana["geography"] == "Mid-Atlantic"  # the empty cell did not blank it
    assert dana["linkedin_url"] == "https://www.linkedin.com/in/dana"
    old, new = conn.execute(
        "select old_values, new_values from shq.audit_log where operation = 'UPDATE'"
        " and correlation_id = %s",
        (report.correlation_id,),
    ).fetchone()
    assert (old["status"], new["status"]) == ("prospect", "engaged")
    assert old["geography"] == new["geography"] == "Mid-Atlantic"


def test_matching_order_id_email_linkedin_name(conn, tmp_path: Path) -> None:
    load_partners(conn, tmp_path, [DANA, SAM])
    dana_id = str(partner(conn, "dana@ledgerline.com")["fractional_cfo_id"])
    by_id = [dana_id, "Ledgerline", "D. Whitfield", None, None, None, None, "Referral", None]
    by_linkedin = [None, "Ledgerline LLC", "Dana W", "https://linkedin.com/in/DANA", None, None,
                   None, "Referral", "contacted"]  # fmt: skip
    by_name = [None, "NORTHWIND", "sam LEE", None, None, "Great Lakes", None, "LinkedIn", None]
    report = load_partners(conn, tmp_path, [by_id], name="a.xlsx")
    assert report.updated == 1
    report = load_partners(conn, tmp_path, [by_linkedin], name="b.xlsx")
    assert report.updated == 1 and report.inserted == 0
    report = load_partners(conn, tmp_path, [by_name], name="c.xlsx")
    assert report.updated == 1 and report.inserted == 0
    assert partner(conn, "sam@northwind.io")["geography"] == "Great Lakes"
    assert conn.execute("select count(*) from partners.fractional_cfo_master").fetchone()[0] == 2


def test_two_rows_for_one_partner_conflict(conn, tmp_path: Path) -> None:
    load_partners(conn, tmp_path, [DANA])
    twice = [None, "Other name", "Dana", None, "dana@ledgerline.com", None, None, "X", None]
    report = load_partners(conn, tmp_path, [DANA, twice], name="d.xlsx")
    [error] = report.errors
    assert error.row == 3 and "row 2" in error.message
    assert not report.written


def test_new_rows_sharing_an_email_conflict(conn, tmp_path: Path) -> None:
    report = load_partners(conn, tmp_path, [DANA, DANA])
    assert [e.row for e in report.errors] == [3]


def test_unknown_partner_id_and_bad_formats(conn, tmp_path: Path) -> None:
    rows = [
        ["11111111-2222-4333-8444-555555555555", "F", "C", None, None, None, None, "X", None],
        [None, "F", "C", "https://example.com/in/x", "bad@", None, None, "X", "vip"],
        [None, None, "C", None, None, None, None, None, None],
    ]
    report = load_partners(conn, tmp_path, rows)
    assert [(e.row, e.column) for e in report.errors] == [
        (2, "fractional_cfo_id"),
        (3, "email"),
        (3, "linkedin_url"),
        (3, "status"),
        (4, "firm_name"),
        (4, "source"),
    ]


def test_email_belonging_to_another_partner(conn, tmp_path: Path) -> None:
    load_partners(conn, tmp_path, [DANA, SAM])
    sam_id = str(partner(conn, "sam@northwind.io")["fractional_cfo_id"])
    steal = [sam_id, "Northwind", "Sam Lee", None, "dana@ledgerline.com", None, None, "X", None]
    report = load_partners(conn, tmp_path, [steal], name="s.xlsx")
    [error] = report.errors
    assert error.column == "email" and "another partner" in error.message


def meetings(conn, tmp_path: Path, rows, name="m.xlsx", **kwargs):
    writer = write_csv if name.endswith(".csv") else write_xlsx
    path = writer(tmp_path / name, M_HEADERS, rows)
    return ingest_meetings(conn, path, opts(**kwargs))


def test_meetings_resolve_partner_and_number_same_day_meetings(conn, tmp_path: Path) -> None:
    load_partners(conn, tmp_path, [DANA, SAM])
    dana_id = str(partner(conn, "dana@ledgerline.com")["fractional_cfo_id"])
    rows = [
        [None, "DANA@ledgerline.com", None, "2026-10-01", "intro", "warm", "good"],
        [dana_id, None, None, "2026-10-01", "followup", "Warm", "same day"],
        [None, None, "https://www.linkedin.com/in/dana", "2026-10-20", "followup", "cold", None],
    ]
    report = meetings(conn, tmp_path, rows)
    assert (report.inserted, report.duplicates, report.rejected) == (3, 0, 0)
    stored = conn.execute("select partner_appointment_uid from partners.partner_appointments")
    uids = sorted(r[0] for r in stored)
    assert uids == [f"{dana_id}|2026-10-01|1", f"{dana_id}|2026-10-01|2", f"{dana_id}|2026-10-20|1"]
    # Re-ingest: duplicates. A third, different meeting that day: seq 3.
    again = meetings(conn, tmp_path, [*rows, [dana_id, None, None, "2026-10-01", "intro", "neutral",
                                             "third"]], name="m2.xlsx")  # fmt: skip
    assert (again.inserted, again.duplicates) == (1, 3)
    assert conn.execute(
        "select outcome::text from partners.partner_appointments"
        " where partner_appointment_uid = %s",
        (f"{dana_id}|2026-10-01|3",),
    ).fetchone() == ("neutral",)


def test_a_reexport_with_a_changed_outcome_revises_the_meeting(conn, tmp_path: Path) -> None:
    load_partners(conn, tmp_path, [DANA])
    first = [None, "dana@ledgerline.com", None, "2026-10-01", "intro", "neutral", "call back"]
    meetings(conn, tmp_path, [first])
    changed = [*first[:5], "warm", "call back"]
    report = meetings(conn, tmp_path, [changed], name="week2.xlsx")
    assert (report.inserted, report.revised, report.duplicates) == (0, 1, 0)
    assert conn.execute("select outcome::text from partners.partner_appointments").fetchall() == [
        ("neutral",)
    ]  # the meeting row is never updated
    assert conn.execute(
        "select outcome::text, correlation_id::text from partners.partner_appointment_revisions"
    ).fetchall() == [("warm", report.correlation_id)]
    again = meetings(conn, tmp_path, [changed], name="week3.xlsx")
    assert (again.inserted, again.revised, again.duplicates) == (0, 0, 1)
    # A second meeting that day, beside the first: a new meeting, not a revision.
    second = [*first[:4], "followup", "cold", None]
    both = meetings(conn, tmp_path, [changed, second], name="week4.xlsx")
    assert (both.inserted, both.revised, both.duplicates) == (1, 0, 1)


def test_meeting_with_unknown_or_missing_partner_is_rejected(conn, tmp_path: Path) -> None:
    load_partners(conn, tmp_path, [DANA])
    rows = [
        [None, "nobody@nowhere.com", None, "2026-10-01", "intro", "warm", None],
        [None, None, None, "2026-10-01", "intro", "warm", None],
        [None, "dana@ledgerline.com", None, "2026-10-01", "pitch", "hot", None],
    ]
    report = meetings(conn, tmp_path, rows)
    assert [(e.row, e.column) for e in report.errors] == [
        (2, "partner_email"),
        (3, "fractional_cfo_id"),
        (4, "meeting_type"),
        (4, "outcome"),
    ]
    assert "load the partner first" in report.errors[0].message
    assert conn.execute("select count(*) from partners.partner_appointments").fetchone()[0] == 0


def test_partners_from_csv_match_xlsx(conn, tmp_path: Path) -> None:
    load_partners(conn, tmp_path, [DANA, SAM])
    path = write_csv(tmp_path / "p.csv", P_HEADERS, [DANA, SAM])
    report = ingest_partners(conn, path, opts())
    assert (report.inserted, report.updated, report.duplicates) == (0, 0, 2)


def _reference_numbering(stored: dict, rows: list[list]) -> tuple[int, int, int]:
    """The rule, written plainly: per partner and day, a row identical to a stored meeting
    as it stands (or to an earlier row) is a duplicate; the other rows, in file order,
    revise the stored meetings of that day no row matched, in seq order; the rest get the
    next seq. Updates `stored` ((partner email, day) -> {seq: content}); returns
    (inserted, duplicates, revised)."""
    inserted = duplicates = revised = 0
    by_day: dict = {}
    for _, email, _, day, meeting_type, outcome, notes in rows:
        by_day.setdefault((email, day), []).append((meeting_type, outcome, notes))
    for key, contents in by_day.items():
        that_day = stored.setdefault(key, {})
        kinds = list(dict.fromkeys(contents))
        duplicates += len(contents) - len(kinds)
        unmatched = [c for c in kinds if c not in that_day.values()]
        duplicates += len(kinds) - len(unmatched)
        free = [seq for seq in sorted(that_day) if that_day[seq] not in kinds]
        for content, seq in zip(unmatched, free, strict=False):
            that_day[seq] = content
            revised += 1
        for content in unmatched[len(free) :]:
            that_day[max(that_day, default=0) + 1] = content
            inserted += 1
    return inserted, duplicates, revised


@pytest.mark.parametrize("seed", range(4))
def test_meeting_numbering_equals_the_row_by_row_rule(conn, tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    people = [f"p{i}@firm{i}.example" for i in range(5)]
    load_partners(
        conn,
        tmp_path,
        [[None, f"Firm {i}", f"Dana{i} Lee", None, email, None, None, "Referral", None]
         for i, email in enumerate(people)],
    )  # fmt: skip
    ids = {email: str(partner(conn, email)["fractional_cfo_id"]) for email in people}
    stored: dict = {}
    for week in range(3):
        rows = [
            [None, rng.choice(people), None, f"2026-10-0{rng.randrange(1, 5)}",
             rng.choice(["intro", "followup"]), rng.choice(["warm", "neutral", "cold"]),
             rng.choice([None, "wants intros", "later"])]
            for _ in range(60)
        ]  # fmt: skip
        unknown = [None, "nobody@nowhere.example", None, "2026-10-01", "intro", "warm", None]
        rows.insert(rng.randrange(len(rows)), unknown)
        report = meetings(conn, tmp_path, rows, name=f"w{week}.csv", skip_invalid=True)
        expected = _reference_numbering(stored, [r for r in rows if r is not unknown])
        assert (report.inserted, report.duplicates, report.revised, report.rejected) == (
            *expected,
            1,
        )
        in_db = {
            uid: content
            for uid, *content in conn.execute(
                """
                select a.partner_appointment_uid,
                       coalesce(r.meeting_type, a.meeting_type)::text,
                       coalesce(r.outcome, a.outcome)::text,
                       case when r.revision_id is null then a.notes else r.notes end
                from partners.partner_appointments as a
                left join lateral (
                    select * from partners.partner_appointment_revisions as rev
                    where rev.partner_appointment_uid = a.partner_appointment_uid
                    order by rev.revision_id desc limit 1
                ) as r on true
                """
            ).fetchall()
        }
        assert in_db == {
            f"{ids[email]}|{day}|{seq}": list(content)
            for (email, day), that_day in stored.items()
            for seq, content in that_day.items()
        }
