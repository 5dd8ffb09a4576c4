-- Right at query time, not only at build time: cooling-off that has ended
-- counts as eligible, anyone touched since the build is gone, and the kill
-- switch is read now (an exclusion, an include or an expiry since the build
-- counts at once): rows are picked by their status without the kill switch.
-- "Now" is lanes_query_time(): now(), unless the session sets lanes.now.
--
-- Shaped for dashboards ("top 100 by score", "top 100 for one channel or
-- tier", "one prospect"): the intent table carries the meeting's own columns
-- and has partial indexes in score order (reactivation_ready_indexes); the
-- directory lookups and the touch and kill-switch checks are per-row probes of
-- their indexes. So the planner walks the index in score order and stops
-- after the rows asked for, instead of joining and sorting the whole queue.
-- No WITH clause, on purpose: PostgreSQL plans a view that has one on its own,
-- without the reader's ORDER BY and LIMIT, so it would sort the whole queue.

-- Held out: the random holdout's share (docs/scoring.md), listed in its own view.

{{ reactivation_ready_rows(held_out=false) }}
