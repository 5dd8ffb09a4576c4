"""Lane A from a CRM export: derived ids, the prospect directory, and who the queue names."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import psycopg
import pytest
from dbt_project_runner import dbt_build
from sheets import write_csv, write_xlsx

from loader.ingest.flow import IngestOptions
from loader.lanes.lane_a.ingest import ingest
from loader.lanes.lane_a.prospect_ids import PROSPECT_NAMESPACE, derived_id

pytestmark = pytest.mark.dbt

TODAY = dt.date.today()
CRM_HEADERS = ["crm_person_id", "person_name", "email", "linkedin_url", "job_title",
               "crm_company_id", "company_name", "company_domain", "meeting_date",
               "meeting_type", "meeting_outcome", "stalled_reason"]  # fmt: skip


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


WEEK_1 = [
    [1001, "Dana Whitfield", "Dana@Northwind.com", "linkedin.com/in/dana-whitfield", "CFO",
     501, "Northwind Traders", "https://www.northwind.com", ago(60), "numbers", "stalled",
     "Budget frozen until next quarter"],
    [1002, "Sam Ortiz", "sam@contoso.com", None, "Controller", 502, "Contoso",
     "contoso.com", ago(100), "systems", "ghosted", None],
    [None, None, "lee@fabrikam.com", "www.linkedin.com/in/lee-k", None, None, "Fabrikam",
     "fabrikam.com", ago(90), "systems", "ghosted", None],
    [1004, "Ana Lima", None, None, "COO", 504, "Globex", None, ago(200), "numbers", "lost",
     None],
]  # fmt: skip


def load(conn: psycopg.Connection, path: Path) -> dict:
    report = ingest(conn, path, IngestOptions(actor="test"))
    assert report.errors == [], report.errors
    return report.as_json()


def test_a_crm_export_without_uuids_gets_stable_derived_ids(
    migrated_db: str, tmp_path: Path
) -> None:
    week_1 = write_xlsx(tmp_path / "week1.xlsx", CRM_HEADERS, WEEK_1)
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        report = load(conn, week_1)
        assert report["inserted"] == 4
        assert report["directory"] == {
            "people_added": 4, "people_updated": 0,
            "companies_added": 4, "companies_updated": 0,
        }  # fmt: skip
        people = dict(
            conn.execute(
                "select coalesce(crm_person_id, email), people_id::text from sales.prospect_people"
            ).fetchall()
        )
        # Derived as documented: uuid5 over the fixed namespace and the CRM id, else the email.
        assert people["1001"] == derived_id("crm-person", "1001")
        assert people["lee@fabrikam.com"] == derived_id("email", "lee@fabrikam.com")
        assert str(PROSPECT_NAMESPACE) == "5d0c6a2e-8b1f-4f6e-9a57-3c2d1e0f4b8a"

        # Next week's export (a CSV this time) of the same people: the same ids, a new
        # meeting for Dana, and Sam's new title (the latest file wins, audited).
        week_2 = write_csv(
            tmp_path / "week2.csv",
            CRM_HEADERS,
            [
                [
                    1001,
                    "Dana Whitfield",
                    "dana@northwind.com",
                    None,
                    "CFO",
                    501,
                    "Northwind Traders",
                    "northwind.com",
                    ago(5),
                    "other",
                    "ghosted",
                    None,
                ],
                [
                    1002,
                    "Sam Ortiz",
                    None,
                    None,
                    "Finance Director",
                    502,
                    "Contoso",
                    None,
                    ago(100),
                    "systems",
                    "ghosted",
                    None,
                ],
            ],
        )
        report = load(conn, week_2)
        assert (report["inserted"], report["duplicates"]) == (1, 1)
        assert report["directory"]["people_updated"] == 1
        assert conn.execute(
            "select count(distinct people_id), count(*) from sales.appointment_history"
            " where people_id = %s",
            [people["1001"]],
        ).fetchone() == (1, 2)
        sam = conn.execute(
            "select job_title, email from sales.prospect_people where crm_person_id = '1002'"
        ).fetchone()
        assert sam == ("Finance Director", "sam@contoso.com")  # an empty cell keeps the email
        old, new = conn.execute(
            "select old_values, new_values from shq.audit_log"
            " where table_name = 'prospect_people' and operation = 'UPDATE'"
        ).fetchone()
        assert (old["job_title"], new["job_title"]) == ("Controller", "Finance Director")


def test_contact_cells_are_checked_and_normalised(migrated_db: str, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "m.csv",
        CRM_HEADERS,
        [
            [
                7,
                "Kim Park",
                "KIM@Acme.COM",
                "www.linkedin.com/in/Kim-Park/",
                None,
                None,
                None,
                "https://www.Acme.com/about",
                ago(30),
                "numbers",
                "lost",
                None,
            ],
            [
                7,
                "Kim Park",
                "kim.park@acme.com",
                None,
                None,
                None,
                None,
                None,
                ago(40),
                "numbers",
                "lost",
                None,
            ],
            [
                8,
                "Lou",
                "not-an-email",
                "https://example.com/in/x",
                None,
                None,
                None,
                "not a domain",
                ago(30),
                "numbers",
                "lost",
                None,
            ],
        ],
    )
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        report = ingest(conn, path, IngestOptions(actor="test"))
        errors = {(e.row, e.column): e.message for e in report.errors}
        assert "row 2 gives this person the email 'kim@acme.com'" in errors[(3, "email")]
        assert "not a valid email" in errors[(4, "email")]
        assert "not a LinkedIn profile" in errors[(4, "linkedin_url")]
        assert "not a web domain" in errors[(4, "company_domain")]
        assert not report.written
        report = ingest(conn, path, IngestOptions(actor="test", skip_invalid=True))
        assert report.inserted == 1
        assert conn.execute("select email, linkedin_url from sales.prospect_people").fetchone() == (
            "kim@acme.com",
            "https://www.linkedin.com/in/kim-park",
        )
        assert conn.execute("select company_domain from sales.prospect_companies").fetchone() == (
            "acme.com",
        )


def _load_and_build(database_url: str, scratch: Path) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        load(conn, write_xlsx(scratch / "crm.xlsx", CRM_HEADERS, WEEK_1))
    dbt_build(database_url, "lane_a")


@pytest.fixture
def built_from_crm(database_copy) -> str:
    return database_copy("lane_a_crm_week_1", _load_and_build)


def test_the_ready_view_says_who_how_and_what_to_say(built_from_crm: str) -> None:
    with psycopg.connect(built_from_crm) as conn:
        rows = conn.execute(
            "select person_name, first_name, company_name, email, linkedin_url,"
            " recommended_channel::text, bit_reason_codes, message_subject, message_opening"
            " from bit.v_reactivation_ready order by person_name nulls last"
        ).fetchall()
    by_name = {row[0] or row[3]: row for row in rows}
    dana = by_name["Dana Whitfield"]
    assert dana[1:6] == (
        "Dana", "Northwind Traders", "dana@northwind.com",
        "https://www.linkedin.com/in/dana-whitfield", "email",
    )  # fmt: skip
    assert dana[7] == "Picking up where we left off, Dana"
    assert dana[8].startswith("Hi Dana, after the review of your numbers") and "{" not in dana[8]
    # Ghosted -> LinkedIn, but Sam has no LinkedIn URL and has an email: email, said so.
    sam = by_name["Sam Ortiz"]
    assert (sam[5], sam[6][-1]) == ("email", "CHANNEL_FALLBACK_EMAIL")
    # No name in the directory: the greeting still reads well.
    lee = by_name["lee@fabrikam.com"]
    assert lee[5] == "linkedin" and lee[8].startswith("Hi there")


def test_crm_ids_in_the_json_report_are_lane_owned(migrated_db: str, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "crm.xlsx", CRM_HEADERS, WEEK_1[:1])
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        data = json.loads(ingest(conn, path, IngestOptions(actor="t")).to_json())
    assert data["directory"]["people_added"] == 1
    assert "new_partner_ids" not in data


def test_the_same_company_domain_from_two_sources_is_one_company(
    migrated_db: str, tmp_path: Path
) -> None:
    """A calendar knows the firm by its domain, the CRM by its id and domain: one company,
    whichever file comes first and within one file."""
    columns = ["email", "company_domain", "crm_company_id", "meeting_date", "meeting_type",
               "meeting_outcome"]  # fmt: skip
    calendar = write_csv(tmp_path / "calendar.csv", columns,
                         [["ana@acme.example", "acme.example", None, "2026-09-01", "other",
                           "ghosted"]])  # fmt: skip
    crm = write_csv(tmp_path / "crm.csv", columns,
                    [["ben@acme.example", "www.ACME.example", "287", "2026-09-02", "numbers",
                      "lost"],
                     ["cy@bolt.example", "bolt.example", None, "2026-09-03", "numbers", "lost"],
                     ["di@bolt.example", "bolt.example", "288", "2026-09-04", "numbers",
                      "lost"]])  # fmt: skip
    with psycopg.connect(migrated_db) as conn:
        assert load(conn, calendar)["inserted"] == 1
        assert load(conn, crm)["inserted"] == 3
        companies = conn.execute(
            "select c.company_domain, count(distinct h.company_id), max(c.crm_company_id)"
            " from sales.appointment_history as h"
            " join sales.prospect_companies as c using (company_id) group by 1 order by 1"
        ).fetchall()
        (stored,) = conn.execute("select count(*) from sales.prospect_companies").fetchone()
    # acme: the calendar's company, now with the CRM's id; bolt: the CRM id's company for
    # both rows of the file.
    assert companies == [("acme.example", 1, "287"), ("bolt.example", 1, "288")]
    assert stored == 2
