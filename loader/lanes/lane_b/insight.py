"""What `loader status lane-b` and `loader report lane-b` read, and Lane B's words for it
(the sections are loader/insight/sections.py)."""

from __future__ import annotations

from loader.lanes.lane_b import LANE
from loader.lanes.spec import InsightSpec

INSIGHT = InsightSpec(
    lane=LANE,
    title="Lane B: fractional CFO partners",
    loaded=(
        ("partners", "partners.fractional_cfo_master"),
        ("partner meetings", "partners.partner_appointments"),
        ("touch events", "partners.partner_touches"),
    ),
    success="meetings",
    queue_group="next action",
    dimensions=("next_action", "channel", "message_variant_id"),
)
