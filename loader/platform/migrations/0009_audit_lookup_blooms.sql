-- The audit log's two lookups ("who inserted row Y": record_id; "what did run X
-- insert": correlation_id) by BRIN bloom indexes instead of b-trees (issue 15).
--
-- The b-trees cost a bulk load about 2 s per million audit rows (an
-- 80-character key descended and inserted per row) and 150 MB per million rows,
-- a third of the log. A bloom BRIN keeps one small filter per 64 heap pages:
-- rows appended to the log land in ranges not summarised yet, which an insert
-- does not touch at all; VACUUM summarises them. A lookup reads the filters and
-- the few ranges that may hold the value (under a millisecond at a million
-- rows); a range not yet summarised is always read, so an answer is never
-- missed, only slower until the next vacuum.
--
-- So autovacuum visits the log every 100,000 new rows rather than after 20% of
-- its size (2M rows at 10M): the unsummarised tail a lookup reads stays under
-- ~30 MB. Not autosummarize: its requests are queued 256 at a time, and a bulk
-- load of a million rows fills 700 ranges and logs a line for each one dropped.
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
with (pages_per_range = 64);

create index audit_log_correlation_bloom on shq.audit_log
using brin (correlation_id uuid_bloom_ops (n_distinct_per_range = 1000, false_positive_rate = 0.01))
with (pages_per_range = 64);

alter table shq.audit_log set (
    autovacuum_vacuum_insert_threshold = 100000,
    autovacuum_vacuum_insert_scale_factor = 0
);
