-- Audit rows an ingest can afford at a million rows (issue 15), with the same
-- answers for an auditor.
--
-- 1. A loader run is recorded once, in shq.load_ledger, in the same transaction
--    as its rows. Its audit rows of a write-once table carry the key, the run
--    id and the database login only: the values are the row itself (it can
--    never change while its forbid_change guard is on) and the rest of the
--    run's metadata is the ledger row. Every
--    other write (a touch, a kill-switch entry, a directory or partner update, a
--    row typed in psql, any write to a table whose guard is off) keeps its full
--    values and metadata as before.
-- 2. audit_id is time-ordered (UUID version 7 layout: milliseconds, then random
--    bits per statement, then the row's position), so the primary key grows at
--    its right edge instead of splitting random pages.
-- 3. The (schema_name, table_name, performed_at) b-tree becomes a BRIN index on
--    performed_at: rows arrive in time order, so a few pages answer "what
--    happened between t1 and t2" and a bulk load no longer pays a b-tree insert
--    per row for it.
--
-- shq.audit_trail puts the two together: each audit row with its run's file,
-- checksum, loader version, database user and application.

alter table shq.load_ledger
    add column db_user text,
    add column application text;

comment on column shq.load_ledger.db_user is 'The database user the loader was logged in as.';
comment on column shq.load_ledger.application is 'application_name of the loader''s session.';

-- ms: milliseconds since the epoch; salt: 34 random bits drawn once per
-- statement; n: the row's position in the statement (up to 2^40).
create function shq.time_ordered_uuid(ms bigint, salt bigint, n bigint) returns uuid
language sql immutable parallel safe
as $$
    select (
        lpad(to_hex(ms), 12, '0')
        || '7' || lpad(to_hex((salt >> 22) & 4095), 3, '0')
        || lpad(to_hex(((salt & 4194303) << 40) | (n & 1099511627775) | (-9223372036854775808)), 16, '0')
    )::uuid
$$;

comment on function shq.time_ordered_uuid(bigint, bigint, bigint) is 'A UUID whose leading bits are the time (version 7 layout), unique per (statement salt, row).';

create or replace function shq.audit_rows() returns trigger
language plpgsql
security definer
set search_path = pg_catalog, shq
as $$
declare
    v_actor text := shq.audit_actor();
    v_correlation uuid := shq.audit_correlation_id();
    v_metadata jsonb := shq.audit_metadata();
    v_key text := tg_argv[0];
    v_ms bigint := floor(extract(epoch from clock_timestamp()) * 1000)::bigint;
    v_salt bigint := floor(random() * 17179869184)::bigint;
    v_thin boolean := false;
begin
    if tg_op = 'INSERT'
        and v_correlation is not null
        and current_setting('lanes.ledgered_run', true) = 'on'
    then
        -- Thin only while the table's write-once guard is on: then the row
        -- itself is the record of what was inserted.
        select exists (
            select 1 from pg_trigger
            where tgrelid = tg_relid and tgname = 'forbid_change' and tgenabled = 'A'
        ) into v_thin;
    end if;

    if tg_op = 'INSERT' and v_thin then
        -- The key column read directly: building each row's jsonb only to take
        -- its key was half the cost of a bulk load's audit.
        execute format(
            'insert into shq.audit_log (audit_id, schema_name, table_name, operation,'
            ' record_id, performed_by, correlation_id, metadata)'
            ' select shq.time_ordered_uuid($1, $2, row_number() over ()), $3, $4, $5,'
            ' n.%I::text, $6, $7, $8 from new_rows as n',
            v_key
        )
        using v_ms, v_salt, tg_table_schema, tg_table_name, tg_op, v_actor, v_correlation,
            -- The login stays on every row: the ledgered-run setting is the
            -- session's word, session_user is the database's.
            jsonb_build_object('run', 'shq.load_ledger', 'db_user', session_user::text);
    elsif tg_op = 'INSERT' then
        insert into shq.audit_log (
            audit_id, schema_name, table_name, operation, record_id, new_values,
            performed_by, correlation_id, metadata
        )
        select shq.time_ordered_uuid(v_ms, v_salt, row_number() over ()),
               tg_table_schema, tg_table_name, tg_op, to_jsonb(n) ->> v_key, to_jsonb(n),
               v_actor, v_correlation, v_metadata
        from new_rows as n;
    elsif tg_op = 'UPDATE' then
        insert into shq.audit_log (
            audit_id, schema_name, table_name, operation, record_id, old_values, new_values,
            performed_by, correlation_id, metadata
        )
        select shq.time_ordered_uuid(v_ms, v_salt, row_number() over ()),
               tg_table_schema, tg_table_name, tg_op, n.rec ->> v_key, o.rec, n.rec,
               v_actor, v_correlation, v_metadata
        from (select to_jsonb(x) as rec from new_rows as x) as n
        inner join (select to_jsonb(y) as rec from old_rows as y) as o
            on (o.rec ->> v_key) = (n.rec ->> v_key);
    elsif tg_op = 'DELETE' then
        insert into shq.audit_log (
            audit_id, schema_name, table_name, operation, record_id, old_values,
            performed_by, correlation_id, metadata
        )
        select shq.time_ordered_uuid(v_ms, v_salt, row_number() over ()),
               tg_table_schema, tg_table_name, tg_op, to_jsonb(o) ->> v_key, to_jsonb(o),
               v_actor, v_correlation, v_metadata
        from old_rows as o;
    end if;
    return null;
end;
$$;

alter table shq.audit_log
    alter column audit_id set default shq.time_ordered_uuid(
        floor(extract(epoch from clock_timestamp()) * 1000)::bigint,
        floor(random() * 17179869184)::bigint,
        0
    );

drop index shq.audit_log_table_time_idx;
create index audit_log_time_brin on shq.audit_log using brin (performed_at);

-- One row per audit row, with the run that made it (when a loader run did):
-- "who inserted row Y and from which file", "what did run X insert".
create view shq.audit_trail as
select
    audit.audit_id,
    audit.schema_name,
    audit.table_name,
    audit.operation,
    audit.record_id,
    audit.old_values,
    audit.new_values,
    audit.performed_by,
    audit.performed_at,
    audit.correlation_id,
    ledger.load_id,
    coalesce(ledger.file_name, audit.metadata ->> 'source_file') as source_file,
    ledger.file_sha256,
    coalesce(ledger.loader_version, audit.metadata ->> 'loader_version') as loader_version,
    coalesce(audit.metadata ->> 'db_user', ledger.db_user) as db_user,
    coalesce(ledger.application, audit.metadata ->> 'application') as application,
    audit.new_values is null and audit.operation = 'INSERT' as values_are_the_stored_row
from shq.audit_log as audit
left join shq.load_ledger as ledger
    on audit.correlation_id = ledger.correlation_id;

comment on view shq.audit_trail is 'shq.audit_log with each row''s loader run (shq.load_ledger): file, checksum, loader version, database user. values_are_the_stored_row: a thin row of a ledgered load into a write-once table; its values are the row with that record_id.';
