"""A small CRM-style Lane A file (CRM ids, names, addresses; no UUIDs), loaded and scored."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import psycopg
from dbt_project_runner import dbt_build
from sheets import write_xlsx

from loader.ingest.flow import IngestOptions
from loader.lanes.lane_a.ingest import ingest

TODAY = dt.date.today()
HEADERS = ["crm_person_id", "person_name", "email", "linkedin_url", "job_title",
           "crm_company_id", "company_name", "company_domain", "meeting_date",
           "meeting_type", "meeting_outcome", "stalled_reason"]  # fmt: skip


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


# Who ends up on which channel, and with which address:
PEOPLE = [
    # stalled -> email; has an email
    [1001, "Dana Whitfield", "dana@northwind.com", "linkedin.com/in/dana-whitfield", "CFO",
     501, "Northwind Traders", "northwind.com", ago(60), "numbers", "stalled", "Budget frozen"],
    # ghosted -> LinkedIn, but only an email: falls back to email
    [1002, "Sam Ortiz", "sam@contoso.com", None, "Controller", 502, "Contoso", "contoso.com",
     ago(100), "systems", "ghosted", None],
    # ghosted -> LinkedIn, has a LinkedIn URL
    [1003, "Lee Kim", None, "www.linkedin.com/in/lee-k", "VP Finance", 503, "Fabrikam",
     "fabrikam.com", ago(90), "systems", "ghosted", None],
    # stalled -> email, but no address at all: nobody's tool can take it
    [1004, "Ana Lima", None, None, "COO", 504, "Globex", None, ago(50), "numbers", "stalled",
     "Timing"],
]  # fmt: skip


def load_and_build(database_url: str, scratch: Path) -> None:
    """PEOPLE ingested and Lane A built (models only): a template (database_copy)."""
    with psycopg.connect(database_url) as conn:
        report = ingest(
            conn, write_xlsx(scratch / "crm.xlsx", HEADERS, PEOPLE), IngestOptions(actor="test")
        )
    assert report.inserted == len(PEOPLE), report.errors
    dbt_build(database_url, "lane_a", with_tests=False)
