"""Write-once and audit guarantees are enforced by the database itself."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from loader.platform.audit import AuditContext

WRITE_ONCE = [
    "sales.appointment_history",
    "sales.appointment_revisions",
    "sales.reactivation_touches",
    "sales.reactivation_kill_switch",
    "sales.reactivation_suppressions",
    "partners.partner_appointments",
    "partners.partner_appointment_revisions",
    "partners.partner_suppressions",
    "partners.partner_touches",
    "partners.partner_pauses",
    "shq.audit_log",
    "shq.load_ledger",
]
PERSON = "22222222-2222-2222-2222-222222222222"


def _seed_rows(conn: psycopg.Connection) -> None:
    """One row in every write-once table, so UPDATE/DELETE have something to hit."""
    with conn.transaction():
        AuditContext(actor="seed").apply(conn)
        conn.execute(
            """
            insert into sales.appointment_history
                (appointment_uid, people_id, meeting_date, meeting_type, meeting_outcome)
            values (%s, %s, '2026-03-01', 'systems', 'ghosted')
            """,
            (f"|{PERSON}|2026-03-01", PERSON),
        )
        conn.execute(
            "insert into sales.reactivation_touches (appointment_uid, channel, actor)"
            " values (%s, 'email', 'seed')",
            (f"|{PERSON}|2026-03-01",),
        )
        conn.execute(
            "insert into sales.appointment_revisions (appointment_uid, meeting_type,"
            " meeting_outcome, correlation_id) values (%s, 'systems', 'lost', gen_random_uuid())",
            (f"|{PERSON}|2026-03-01",),
        )
        conn.execute(
            "insert into sales.reactivation_suppressions (email, tool, unsubscribed_at, actor)"
            " values ('gone@example.com', 'lemlist', now(), 'seed')"
        )
        conn.execute(
            "insert into sales.reactivation_kill_switch (scope, scope_key, action, reason, actor)"
            " values ('person', %s, 'exclude', 'asked not to be contacted', 'seed')",
            (PERSON,),
        )
        partner = conn.execute(
            "insert into partners.fractional_cfo_master (firm_name, primary_contact_name, source)"
            " values ('Ledger & Co', 'Ana Ruiz', 'Referral') returning fractional_cfo_id"
        ).fetchone()[0]
        conn.execute(
            "insert into partners.partner_appointments (partner_appointment_uid,"
            " fractional_cfo_id, meeting_date, meeting_type, outcome)"
            " values (%s, %s, '2026-03-02', 'intro', 'warm')",
            (f"{partner}|2026-03-02|1", partner),
        )
        conn.execute(
            "insert into partners.partner_suppressions (email, tool, unsubscribed_at, actor)"
            " values ('gone@example.com', 'heyreach', now(), 'seed')"
        )
        conn.execute(
            "insert into partners.partner_appointment_revisions (partner_appointment_uid,"
            " meeting_type, outcome, correlation_id) values (%s, 'intro', 'cold',"
            " gen_random_uuid())",
            (f"{partner}|2026-03-02|1",),
        )
        conn.execute(
            "insert into partners.partner_touches (fractional_cfo_id, channel, actor)"
            " values (%s, 'linkedin', 'seed')",
            (partner,),
        )
        conn.execute(
            "insert into partners.partner_pauses (fractional_cfo_id, action, reason, actor)"
            " values (%s, 'pause', 'on holiday', 'seed')",
            (partner,),
        )
        conn.execute(
            """
            insert into shq.load_ledger (correlation_id, lane, target, file_name, file_sha256,
                rows_read, inserted, updated, duplicates, rejected, actor, started_at, finished_at)
            values (gen_random_uuid(), 'lane_a', 'sales.appointment_history', 'x.xlsx',
                    repeat('a', 64), 1, 1, 0, 0, 0, 'seed', now(), now())
            """
        )


@pytest.mark.parametrize("table", WRITE_ONCE)
@pytest.mark.parametrize(
    "statement", ["update {t} set created_at = created_at", "delete from {t}", "truncate {t}"]
)
@pytest.mark.parametrize("replica", [False, True], ids=["origin", "replica"])
def test_write_once_tables_refuse_changes(
    conn: psycopg.Connection, table: str, statement: str, replica: bool
) -> None:
    _seed_rows(conn)
    column = {
        "shq.audit_log": "performed_at",
        "shq.load_ledger": "actor",
        "sales.appointment_revisions": "revised_at",
        "partners.partner_appointment_revisions": "revised_at",
    }.get(table, "created_at")
    sql = statement.format(t=table).replace("created_at", column)
    with conn.transaction():
        if replica:
            conn.execute("set local session_replication_role = replica")
        with pytest.raises(psycopg.errors.RestrictViolation, match="write-once"):
            conn.execute(sql)
    count = conn.execute(f"select count(*) from {table}").fetchone()[0]
    assert count >= 1


def test_owner_that_is_not_superuser_is_refused_too(conn: psycopg.Connection) -> None:
    _seed_rows(conn)
    owner = f"lanes_owner_{uuid.uuid4().hex[:8]}"
    conn.execute(f"create role {owner} nologin")
    try:
        conn.execute(f"grant usage on schema sales, shq to {owner}")
        conn.execute(f"alter table sales.appointment_history owner to {owner}")
        with conn.transaction():
            conn.execute(f"set local role {owner}")
            with pytest.raises(psycopg.errors.RestrictViolation):
                conn.execute("delete from sales.appointment_history")
    finally:
        conn.execute("alter table sales.appointment_history owner to current_user")
        conn.execute(f"drop owned by {owner}")
        conn.execute(f"drop role {owner}")


def test_insert_writes_audit_row_with_correlation_id(conn: psycopg.Connection) -> None:
    context = AuditContext(actor="maria@example.com", source_file="march.xlsx")
    uid = f"|{PERSON}|2026-04-01"
    with conn.transaction():
        context.apply(conn)
        conn.execute(
            "insert into sales.appointment_history"
            " (appointment_uid, people_id, meeting_date, meeting_type, meeting_outcome)"
            " values (%s, %s, '2026-04-01', 'numbers', 'lost')",
            (uid, PERSON),
        )
    row = conn.execute(
        "select schema_name, table_name, operation, record_id, new_values, performed_by,"
        " correlation_id, metadata from shq.audit_log where record_id = %s",
        (uid,),
    ).fetchone()
    schema, table, operation, record_id, new_values, actor, correlation, metadata = row
    assert (schema, table, operation, record_id) == ("sales", "appointment_history", "INSERT", uid)
    assert new_values["meeting_outcome"] == "lost"
    assert new_values["people_id"] == PERSON
    assert actor == "maria@example.com"
    assert correlation == context.correlation_id
    assert metadata["actor"] == "maria@example.com"
    assert metadata["source_file"] == "march.xlsx"


def test_bulk_copy_is_audited_row_for_row(conn: psycopg.Connection) -> None:
    context = AuditContext(actor="bulk")
    with conn.transaction():
        context.apply(conn)
        with conn.cursor().copy(
            "copy sales.reactivation_touches (appointment_uid, channel, actor) from stdin"
        ) as copy:
            for i in range(500):
                copy.write_row((f"uid-{i}", "linkedin", "bulk"))
    audited = conn.execute(
        "select count(*) from shq.audit_log where correlation_id = %s"
        " and table_name = 'reactivation_touches'",
        (context.correlation_id,),
    ).fetchone()[0]
    assert audited == 500


def test_partner_update_audits_old_and_new_values(conn: psycopg.Connection) -> None:
    partner = conn.execute(
        "insert into partners.fractional_cfo_master (firm_name, primary_contact_name, source)"
        " values ('Northwind CFO', 'Sam Lee', 'LinkedIn') returning fractional_cfo_id"
    ).fetchone()[0]
    context = AuditContext(actor="ops")
    with conn.transaction():
        context.apply(conn)
        conn.execute(
            "update partners.fractional_cfo_master set status = 'engaged'"
            " where fractional_cfo_id = %s",
            (partner,),
        )
    old, new = conn.execute(
        "select old_values, new_values from shq.audit_log"
        " where operation = 'UPDATE' and correlation_id = %s",
        (context.correlation_id,),
    ).fetchone()
    assert old["status"] == "prospect" and new["status"] == "engaged"
    assert old["fractional_cfo_id"] == new["fractional_cfo_id"] == str(partner)


def test_partner_id_cannot_change(conn: psycopg.Connection) -> None:
    conn.execute(
        "insert into partners.fractional_cfo_master (firm_name, primary_contact_name, source)"
        " values ('A', 'B', 'C')"
    )
    with pytest.raises(psycopg.errors.RestrictViolation, match="cannot change"):
        conn.execute(
            "update partners.fractional_cfo_master set fractional_cfo_id = gen_random_uuid()"
        )


def test_bi_role_cannot_read_lane_tables(conn: psycopg.Connection) -> None:
    with conn.transaction():
        conn.execute("set local role lanes_bi")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
            conn.execute("select * from sales.appointment_history")
    with conn.transaction():
        conn.execute("set local role lanes_bi")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select * from partners.fractional_cfo_master")


def test_loader_role_may_append_but_not_delete(conn: psycopg.Connection) -> None:
    with conn.transaction():
        conn.execute("set local role lanes_loader")
        AuditContext(actor="loader-role").apply(conn)
        conn.execute(
            "insert into sales.appointment_history"
            " (appointment_uid, people_id, meeting_date, meeting_type, meeting_outcome)"
            " values (%s, %s, '2026-02-01', 'other', 'ghosted')",
            (f"|{PERSON}|2026-02-01", PERSON),
        )
    with conn.transaction():
        conn.execute("set local role lanes_loader")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("delete from sales.appointment_history")
    audited = conn.execute(
        "select performed_by from shq.audit_log where record_id = %s", (f"|{PERSON}|2026-02-01",)
    ).fetchone()
    assert audited == ("loader-role",)
