"""Property: for any mix of valid and invalid rows, the loader never crashes, its
counts add up (rows read = inserted + updated + duplicates + rejected), and the
database holds exactly the valid meetings (all of them with --skip-invalid, none
of them when any row is invalid)."""

from __future__ import annotations

import csv
import tempfile
import uuid
from pathlib import Path

import psycopg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loader.ingest.flow import IngestOptions
from loader.lanes.lane_a.ingest import ingest

HEADERS = ["company_id", "people_id", "meeting_date", "meeting_type", "meeting_outcome",
           "stalled_reason"]  # fmt: skip
# Ways a row goes wrong, each on its own: (column index, bad value).
BREAKAGES = [
    (0, "not-a-uuid"),
    (2, "2026-13-45"),
    (2, "2099-01-01"),  # in the future
    (3, "coffee"),
    (4, "maybe"),
    (5, ""),  # stalled without a reason
]
REASONS = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40
).filter(lambda text: text.strip() != "")


@st.composite
def files(draw):
    """Rows over a small pool of keys (so duplicates happen), some broken on purpose."""
    companies = [str(uuid.uuid4()) for _ in range(3)]
    people = [str(uuid.uuid4()) for _ in range(3)]
    days = ["2024-02-29", "2025-01-01", "2025-12-31", "2026-06-15"]
    reasons: dict[tuple, str] = {}
    rows, valid_keys, broken = [], [], 0
    for _ in range(draw(st.integers(min_value=1, max_value=25))):
        key = (draw(st.sampled_from(companies)), draw(st.sampled_from(people)),
               draw(st.sampled_from(days)))  # fmt: skip
        if key not in reasons:  # the same meeting always carries the same values
            reasons[key] = draw(REASONS)
        row = [*key, "numbers", "stalled", reasons[key]]
        breakage = draw(st.none() | st.sampled_from(BREAKAGES))
        if breakage is None:
            valid_keys.append(key)
        else:
            row[breakage[0]] = breakage[1]
            broken += 1
        rows.append(row)
    return companies, rows, valid_keys, broken


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(drawn=files(), skip_invalid=st.booleans())
def test_counts_add_up_and_exactly_the_valid_rows_are_stored(
    conn: psycopg.Connection, drawn, skip_invalid: bool
) -> None:
    companies, rows, valid_keys, broken = drawn
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "meetings.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADERS)
            writer.writerows(rows)
        report = ingest(conn, path, IngestOptions(actor="property", skip_invalid=skip_invalid))

    assert report.rows_read == len(rows)
    assert report.rejected == broken
    assert (
        report.rows_read == report.inserted + report.updated + report.duplicates + report.rejected
    )
    expected = set(valid_keys) if (skip_invalid or not broken) else set()
    stored = {
        (str(company), str(person), str(day))
        for company, person, day in conn.execute(
            "select company_id, people_id, meeting_date from sales.appointment_history"
            " where company_id = any(%s::uuid[])",
            (companies,),
        )
    }
    assert stored == expected
    if broken and not skip_invalid:
        assert not report.written  # all or nothing
    if expected:
        assert report.written and report.inserted == len(expected)
