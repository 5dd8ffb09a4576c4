"""What `loader status lane-b` and `loader report lane-b` count and draw (the sections
are loader/insight/sections.py; the words are the lane's, loader/lanes/lane_b/__init__.py)."""

from __future__ import annotations

from pathlib import Path

from loader.insight.tune import TuneSpec
from loader.lanes.lane_b import LANE
from loader.lanes.spec import InsightSpec

INSIGHT = InsightSpec(
    lane=LANE,
    own_tables=(
        ("partners", "partners.fractional_cfo_master"),
        ("partner meetings", "partners.partner_appointments"),
    ),
    dimensions=("next_action", "channel", "message_variant_id"),
    reason_words="select factor_code, min(why) from lane_b.partner_score_weights group by 1",
)

# What `loader tune lane-b` fits: the codes each send left with, and the seed they weigh.
TUNE = TuneSpec(
    outcomes="bit.partner_outcomes",
    codes_column="factors_at_touch",
    seed=Path("seeds/lane_b/partner_score_weights.csv"),
    code_field="factor_code",
)
