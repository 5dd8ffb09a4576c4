"""Lane B (fractional CFO partners): the partner master and partner meetings scored for
leverage.

Never imports loader.lanes.lane_a: the lanes share no code but the shared mechanics.
"""

from loader.lanes.spec import Lane

LANE = Lane(
    key="lane_b", schema="partners", noun="partner",
    title="Lane B: fractional CFO partners", success="meetings", group="next action",
)  # fmt: skip
