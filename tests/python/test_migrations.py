"""Schema migrations: complete, idempotent, atomic, and exactly the names of docs/design.md."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from loader.errors import MigrationError
from loader.platform.migrations import MIGRATIONS_DIR, applied, available, migrate
from loader.platform.sql_script import split_statements

SEED_000_ENUMS = {
    ("sales", "meeting_type_enum"): ["discovery", "systems", "numbers", "other"],
    ("sales", "meeting_outcome_enum"): ["progressed", "stalled", "ghosted", "lost"],
    ("sales", "appointment_source_enum"): ["calendar", "crm", "manual"],
    ("bit", "reactivation_channel_enum"): ["linkedin", "email"],
    ("bit", "eligibility_status_enum"): ["eligible", "excluded", "cooling_off"],
    ("partners", "partner_status_enum"): ["prospect", "contacted", "engaged", "partner"],
    ("partners", "partner_meeting_type_enum"): ["intro", "followup"],
    ("partners", "partner_meeting_outcome_enum"): ["warm", "neutral", "cold"],
}


def _columns(conn: psycopg.Connection, schema: str, table: str) -> dict[str, str]:
    rows = conn.execute(
        """
        select column_name, udt_name from information_schema.columns
        where table_schema = %s and table_name = %s
        """,
        (schema, table),
    ).fetchall()
    return dict(rows)


def test_second_run_applies_nothing(migrated_db: str) -> None:
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        before = applied(conn)
        assert migrate(conn) == []
        assert applied(conn) == before
        assert sorted(before) == [m.version for m in available()]


def test_enums_match_seed_000(conn: psycopg.Connection) -> None:
    for (schema, name), labels in SEED_000_ENUMS.items():
        rows = conn.execute(
            """
            select e.enumlabel from pg_enum e
            join pg_type t on t.oid = e.enumtypid
            join pg_namespace n on n.oid = t.typnamespace
            where n.nspname = %s and t.typname = %s order by e.enumsortorder
            """,
            (schema, name),
        ).fetchall()
        assert [r[0] for r in rows] == labels, f"{schema}.{name}"


def test_tables_have_seed_000_columns(conn: psycopg.Connection) -> None:
    history = _columns(conn, "sales", "appointment_history")
    assert history == {
        "appointment_uid": "text",
        "company_id": "uuid",
        "people_id": "uuid",
        "outreach_id": "uuid",
        "meeting_date": "date",
        "meeting_type": "meeting_type_enum",
        "meeting_outcome": "meeting_outcome_enum",
        "stalled_reason": "text",
        "source": "appointment_source_enum",
        "source_record_id": "text",
        "created_at": "timestamptz",
    }
    master = _columns(conn, "partners", "fractional_cfo_master")
    assert set(master) == {
        "fractional_cfo_id", "firm_name", "primary_contact_name", "linkedin_url", "email",
        "geography", "niche_focus", "source", "status", "created_at", "updated_at",
        # Beyond the seed (migration 0010): when a later file changed the email, so a
        # bounce of the old address no longer holds.
        "email_changed_at",
    }  # fmt: skip
    assert set(_columns(conn, "partners", "partner_appointments")) == {
        "partner_appointment_uid", "fractional_cfo_id", "meeting_date", "meeting_type",
        "outcome", "notes", "created_at",
    }  # fmt: skip
    assert set(_columns(conn, "shq", "audit_log")) == {
        "audit_id", "schema_name", "table_name", "operation", "record_id", "old_values",
        "new_values", "performed_by", "performed_at", "correlation_id", "metadata",
    }  # fmt: skip


def test_the_only_foreign_keys_are_inside_lane_b_and_the_week_ledger(
    conn: psycopg.Connection,
) -> None:
    """No key crosses the lanes: Lane B's meetings name its partners; a week's exports
    name their week run (shq, neither lane's)."""
    rows = conn.execute(
        """
        select conrelid::regclass::text, confrelid::regclass::text
        from pg_constraint where contype = 'f'
          and connamespace in (select oid from pg_namespace
                               where nspname in ('sales', 'partners', 'bit', 'shq'))
        """
    ).fetchall()
    assert sorted(rows) == [
        ("partners.partner_appointments", "partners.fractional_cfo_master"),
        ("shq.sender_exports", "shq.week_runs"),
    ]


def test_stalled_meeting_needs_a_reason(conn: psycopg.Connection) -> None:
    with pytest.raises(psycopg.errors.CheckViolation, match="stalled_reason"):
        conn.execute(
            """
            insert into sales.appointment_history
                (appointment_uid, people_id, meeting_date, meeting_type, meeting_outcome)
            values ('|11111111-1111-1111-1111-111111111111|2026-01-05',
                    '11111111-1111-1111-1111-111111111111', '2026-01-05', 'numbers', 'stalled')
            """
        )


def test_uid_must_be_the_deterministic_key(conn: psycopg.Connection) -> None:
    with pytest.raises(psycopg.errors.CheckViolation, match="uid_chk"):
        conn.execute(
            """
            insert into sales.appointment_history
                (appointment_uid, people_id, meeting_date, meeting_type, meeting_outcome)
            values ('made-up', '11111111-1111-1111-1111-111111111111', '2026-01-05',
                    'numbers', 'lost')
            """
        )


def test_partner_master_formats_and_updated_at(conn: psycopg.Connection) -> None:
    with pytest.raises(psycopg.errors.CheckViolation, match="linkedin"):
        conn.execute(
            "insert into partners.fractional_cfo_master (firm_name, primary_contact_name, source,"
            " linkedin_url) values ('F', 'C', 'LinkedIn', 'https://example.com/x')"
        )
    with pytest.raises(psycopg.errors.CheckViolation, match="email"):
        conn.execute(
            "insert into partners.fractional_cfo_master (firm_name, primary_contact_name, source,"
            " email) values ('F', 'C', 'LinkedIn', 'not-an-email')"
        )
    row = conn.execute(
        "insert into partners.fractional_cfo_master (firm_name, primary_contact_name, source)"
        " values ('F', 'C', 'Referral') returning fractional_cfo_id, updated_at"
    ).fetchone()
    with conn.transaction():
        conn.execute("select pg_sleep(0.01)")
        conn.execute(
            "update partners.fractional_cfo_master set status = 'engaged'"
            " where fractional_cfo_id = %s",
            (row[0],),
        )
    updated_at = conn.execute(
        "select updated_at from partners.fractional_cfo_master where fractional_cfo_id = %s",
        (row[0],),
    ).fetchone()[0]
    assert updated_at > row[1]


def test_failed_migration_leaves_database_as_it_was(fresh_db: str, tmp_path: Path) -> None:
    good = tmp_path / "0001_good.sql"
    good.write_text("create schema demo_ok;\ncreate table demo_ok.t (id int);\n")
    bad = tmp_path / "0002_bad.sql"
    bad.write_text(
        "create table demo_ok.u (id int);\n\n-- a typo below\ncreate tabel demo_ok.v (id int);\n"
    )
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        with pytest.raises(MigrationError) as caught:
            migrate(conn, tmp_path)
        message = str(caught.value)
        assert "0002_bad.sql line 4" in message
        assert "create tabel demo_ok.v" in message
        assert conn.execute("select to_regclass('demo_ok.t')").fetchone()[0] is not None
        assert conn.execute("select to_regclass('demo_ok.u')").fetchone()[0] is None
        assert sorted(applied(conn)) == [1]


def test_edited_migration_is_refused(fresh_db: str, tmp_path: Path) -> None:
    script = tmp_path / "0001_one.sql"
    script.write_text("create schema demo_edit;\n")
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        migrate(conn, tmp_path)
        script.write_text("create schema demo_edit_changed;\n")
        with pytest.raises(MigrationError, match="edited after it was applied"):
            migrate(conn, tmp_path)


def test_shipped_migrations_are_named_in_order() -> None:
    versions = [m.version for m in available(MIGRATIONS_DIR)]
    assert versions == sorted(versions) and versions[0] == 1


def test_splitter_keeps_dollar_bodies_and_strings_whole() -> None:
    script = (
        "-- header\ncreate function f() returns int language plpgsql as $$\n"
        "begin return 1; end; $$;\n"
        "select 'a;b', \"odd;name\" from t; /* c; */ select $tag$ x; $tag$;\n"
    )
    statements = split_statements(script)
    assert [s.line for s in statements] == [2, 4, 4]
    assert statements[0].text.endswith("end; $$")
    assert statements[1].text == "select 'a;b', \"odd;name\" from t"
