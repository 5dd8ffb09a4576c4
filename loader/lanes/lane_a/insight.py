"""What `loader status lane-a` and `loader report lane-a` read, and Lane A's words for it
(the sections are loader/insight/sections.py)."""

from __future__ import annotations

from loader.lanes.lane_a import LANE
from loader.lanes.spec import InsightSpec

INSIGHT = InsightSpec(
    lane=LANE,
    title="Lane A: appointment reactivation",
    loaded=(
        ("meetings", "sales.appointment_history"),
        ("people", "sales.prospect_people"),
        ("touch events", "sales.reactivation_touches"),
    ),
    success="meetings back",
    queue_group="tier",
    dimensions=("tier", "channel", "message_variant_id", "reason_code"),
)
