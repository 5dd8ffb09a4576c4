"""Lane B kill switch: pause outreach to a partner, or resume it.

The mechanics are shared (loader/outreach/kill_switch.py); this says how a partner is named.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from loader.errors import UsageError
from loader.lanes.spec import SwitchSpec

if TYPE_CHECKING:
    import psycopg

PAUSES = SwitchSpec(
    table="partners.partner_pauses", actions=("pause", "resume"), key_columns=("fractional_cfo_id",)
)


def find_partner(conn: psycopg.Connection, partner: str) -> tuple[str, str]:
    """A partner by fractional_cfo_id, email or LinkedIn URL; returns (id, firm_name)."""
    from loader.sheets.cells import one_value

    partner = partner.strip()
    linkedin = one_value("linkedin", partner) if "linkedin" in partner.lower() else None
    if linkedin:
        row = conn.execute(
            "select fractional_cfo_id, firm_name from partners.fractional_cfo_master"
            " where lower(linkedin_url) = lower(%s)",
            (linkedin,),
        ).fetchone()
    elif "@" in partner:
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
                f"{partner!r} is not a partner: give their fractional_cfo_id (UUID), email "
                "or LinkedIn URL."
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
    found: dict[str, str] = {}

    def find(conn: psycopg.Connection) -> tuple[tuple[str], str]:
        found["id"], firm = find_partner(conn, partner)
        return (found["id"],), firm

    from loader.outreach.kill_switch import record_switch_entry

    entry_id, firm = record_switch_entry(conn, PAUSES, find, action, reason, actor)
    return entry_id, found["id"], firm
