-- The audit log's two lookups ("who inserted row Y": record_id; "what did run X
-- insert": correlation_id) by BRIN bloom indexes instead of b-trees (issue 15).
--
-- The b-trees cost a bulk load about 2 s per million audit rows (an
-- 80-character key descended and inserted per row) and 150 MB per million rows,
-- a third of the log. A bloom BRIN keeps one small filter per 128 heap pages:
-- rows appended to the log land in ranges not summarised yet, which an insert
-- does not touch at all; autosummarize has autovacuum summarise a range once it
-- is full. A lookup reads the filters and the few ranges that may hold the
-- value (under a millisecond at a million rows); a range not yet summarised is
-- always read, so an answer is never missed, only slower until autovacuum runs.
-- Bloom operator classes need PostgreSQL 14 or newer.
--
-- Sizes: 64 pages hold up to ~3,700 audit rows, each with its own record id, so
-- the record filter is sized for 4,000 values at 1% false positives (~4.8 kB a
-- range, 3.4 MB per million rows); the default (a tenth of the page capacity)
-- gave one range in six read for nothing. A range holds far fewer runs than rows.

drop index shq.audit_log_record_idx;
drop index shq.audit_log_correlation_idx;

create index audit_log_record_bloom on shq.audit_log
using brin (record_id text_bloom_ops (n_distinct_per_range = 4000, false_positive_rate = 0.01))
with (pages_per_range = 64, autosummarize = on);

create index audit_log_correlation_bloom on shq.audit_log
using brin (correlation_id uuid_bloom_ops (n_distinct_per_range = 1000, false_positive_rate = 0.01))
with (pages_per_range = 64, autosummarize = on);

alter index shq.audit_log_time_brin set (autosummarize = on);
