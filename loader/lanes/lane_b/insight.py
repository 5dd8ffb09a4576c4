"""What `loader status lane-b` and `loader report lane-b` count and draw (the sections
are loader/insight/sections.py; the words are the lane's, loader/lanes/lane_b/__init__.py)."""

from __future__ import annotations

from loader.lanes.lane_b import LANE
from loader.lanes.spec import InsightSpec

INSIGHT = InsightSpec(
    lane=LANE,
    own_tables=(
        ("partners", "partners.fractional_cfo_master"),
        ("partner meetings", "partners.partner_appointments"),
    ),
    dimensions=("next_action", "channel", "message_variant_id"),
)
