-- Right at query time, not only at build time: a wait that has ended counts
-- as active, a pause or resume takes effect at once, and a partner touched
-- since the build is gone. "Now" is lanes_query_time(): now(), unless the
-- session sets lanes.now.
--
-- Shaped for dashboards ("top 100 by score", "top 100 for one next action or
-- channel", "one partner"): partial indexes on the intent table in score order
-- (partner_ready_indexes), and the partner master, touch and pause checks as
-- per-row probes of their indexes, so the planner walks the index in score
-- order and stops after the rows asked for.
-- No WITH clause, on purpose: PostgreSQL plans a view that has one on its own,
-- without the reader's ORDER BY and LIMIT, so it would sort the whole queue.

-- Held out: the random holdout's share (docs/scoring.md), listed in its own view.

{{ partner_ready_rows(held_out=false) }}
