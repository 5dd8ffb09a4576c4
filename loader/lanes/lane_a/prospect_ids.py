"""The stable ids of Lane A's prospects, derived from what a CRM export names them by.

A person known by a CRM id or an email, a company by a CRM id or a web domain, gets
uuid5(PROSPECT_NAMESPACE, "<kind>:<key>"), so next week's export of the same people gives
the same ids (docs/outreach-tools.md). The ingest, the kill switch and the calendar all
derive them here.
"""

from __future__ import annotations

import uuid

# Fixed forever: changing it would give every derived prospect a new id.
PROSPECT_NAMESPACE = uuid.UUID("5d0c6a2e-8b1f-4f6e-9a57-3c2d1e0f4b8a")


def derived_id(kind: str, key: str) -> str:
    """The stable UUID of a prospect known by a CRM id, an email or a domain."""
    return str(uuid.uuid5(PROSPECT_NAMESPACE, f"{kind}:{key}"))
