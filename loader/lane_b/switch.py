"""Lane B kill switch: pause outreach to a partner, or resume it."""

from __future__ import annotations

import uuid

import psycopg

from loader.audit import AuditContext
from loader.errors import UsageError


def find_partner(conn: psycopg.Connection, partner: str) -> tuple[str, str]:
    """A partner by fractional_cfo_id or email; returns (id, firm_name)."""
    partner = partner.strip()
    if "@" in partner:
        row = conn.execute(
            "select fractional_cfo_id, firm_name from partners.fractional_cfo_master"
            " where email = lower(%s)",
            (partner,),
        ).fetchone()
    else:
        try:
            partner_id = uuid.UUID(partner)
        except ValueError:
            raise UsageError(
                f"{partner!r} is neither a fractional_cfo_id (UUID) nor an email address."
            ) from None
        row = conn.execute(
            "select fractional_cfo_id, firm_name from partners.fractional_cfo_master"
            " where fractional_cfo_id = %s",
            (partner_id,),
        ).fetchone()
    if row is None:
        raise UsageError(
            f"no partner {partner!r} in partners.fractional_cfo_master; "
            "ingest the partner first, or check the id or email."
        )
    return str(row[0]), row[1]


def record_pause(
    conn: psycopg.Connection, partner: str, action: str, reason: str, actor: str | None = None
) -> tuple[int, str, str]:
    """Append a pause/resume entry; returns (entry_id, partner id, firm name)."""
    if action not in ("pause", "resume"):
        raise UsageError(f"action must be pause or resume, not {action!r}.")
    if not reason.strip():
        raise UsageError("--reason is required: say why, for whoever reads the queue next.")
    context = AuditContext.of(actor)
    with conn.transaction():
        context.apply(conn)
        partner_id, firm = find_partner(conn, partner)
        (entry_id,) = conn.execute(
            "insert into partners.partner_pauses (fractional_cfo_id, action, reason, actor)"
            " values (%s, %s, %s, %s) returning entry_id",
            (partner_id, action, reason.strip(), context.actor),
        ).fetchone()
    return entry_id, partner_id, firm
