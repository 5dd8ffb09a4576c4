"""Lane B (fractional CFO partners): ingest of the partner master and partner meetings.

Never imports loader.lanes.lane_a: the lanes share no code but the shared mechanics.
"""
