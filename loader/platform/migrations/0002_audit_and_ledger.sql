-- Shared infrastructure (seed 000 section 5): the append-only audit log, the
-- trigger functions that write it and that make tables write-once, and the
-- ledger of ingest runs.

create table shq.audit_log (
    audit_id uuid primary key default gen_random_uuid(),
    schema_name text not null,
    table_name text not null,
    operation text not null check (operation in ('INSERT', 'UPDATE', 'DELETE')),
    record_id text,
    old_values jsonb,
    new_values jsonb,
    performed_by text not null,
    performed_at timestamptz not null default now(),
    correlation_id uuid,
    metadata jsonb not null default '{}'::jsonb
);

comment on table shq.audit_log is 'Append-only log of every write to a lane table; lanes are told apart by schema_name.';
comment on column shq.audit_log.record_id is 'Primary key of the written row, as text.';
comment on column shq.audit_log.correlation_id is 'The loader run (shq.load_ledger.correlation_id) that made the write, when there was one.';
comment on column shq.audit_log.performed_by is 'The actor the loader was given (--actor), else the database user.';

create index audit_log_table_time_idx on shq.audit_log (schema_name, table_name, performed_at);
create index audit_log_correlation_idx on shq.audit_log (correlation_id) where correlation_id is not null;
create index audit_log_record_idx on shq.audit_log (table_name, record_id);

create table shq.load_ledger (
    load_id bigint generated always as identity primary key,
    correlation_id uuid not null unique,
    lane text not null check (lane in ('lane_a', 'lane_b')),
    target text not null,
    file_name text not null,
    file_sha256 text not null check (file_sha256 ~ '^[0-9a-f]{64}$'),
    rows_read integer not null check (rows_read >= 0),
    inserted integer not null check (inserted >= 0),
    updated integer not null check (updated >= 0),
    duplicates integer not null check (duplicates >= 0),
    rejected integer not null check (rejected >= 0),
    actor text not null,
    started_at timestamptz not null,
    finished_at timestamptz not null,
    dry_run boolean not null default false,
    loader_version text,
    check (finished_at >= started_at)
);

comment on table shq.load_ledger is 'One row per ingest run (never for --dry-run), written in the same transaction as the rows it loaded.';

-- Who and what is writing, as set by the loader with set_config(..., true).
create function shq.audit_actor() returns text
language sql stable
as $$
    select coalesce(nullif(current_setting('lanes.actor', true), ''), session_user::text)
$$;

create function shq.audit_correlation_id() returns uuid
language sql stable
as $$
    select nullif(current_setting('lanes.correlation_id', true), '')::uuid
$$;

create function shq.audit_metadata() returns jsonb
language sql stable
as $$
    select jsonb_strip_nulls(jsonb_build_object(
        'actor', nullif(current_setting('lanes.actor', true), ''),
        'db_user', session_user::text,
        'application', nullif(current_setting('application_name', true), ''),
        'source_file', nullif(current_setting('lanes.source_file', true), ''),
        'loader_version', nullif(current_setting('lanes.loader_version', true), '')
    ))
$$;

-- Statement-level with transition tables: one trigger call per COPY/INSERT
-- statement, not one per row, so bulk loads stay fast. tg_argv[0] names the
-- primary-key column.
create function shq.audit_rows() returns trigger
language plpgsql
security definer
set search_path = pg_catalog, shq
as $$
declare
    v_actor text := shq.audit_actor();
    v_correlation uuid := shq.audit_correlation_id();
    v_metadata jsonb := shq.audit_metadata();
    v_key text := tg_argv[0];
begin
    if tg_op = 'INSERT' then
        insert into shq.audit_log (
            schema_name, table_name, operation, record_id, new_values,
            performed_by, correlation_id, metadata
        )
        select tg_table_schema, tg_table_name, tg_op, to_jsonb(n) ->> v_key, to_jsonb(n),
               v_actor, v_correlation, v_metadata
        from new_rows as n;
    elsif tg_op = 'UPDATE' then
        insert into shq.audit_log (
            schema_name, table_name, operation, record_id, old_values, new_values,
            performed_by, correlation_id, metadata
        )
        select tg_table_schema, tg_table_name, tg_op, n.rec ->> v_key, o.rec, n.rec,
               v_actor, v_correlation, v_metadata
        from (select to_jsonb(x) as rec from new_rows as x) as n
        inner join (select to_jsonb(y) as rec from old_rows as y) as o
            on (o.rec ->> v_key) = (n.rec ->> v_key);
    elsif tg_op = 'DELETE' then
        insert into shq.audit_log (
            schema_name, table_name, operation, record_id, old_values,
            performed_by, correlation_id, metadata
        )
        select tg_table_schema, tg_table_name, tg_op, to_jsonb(o) ->> v_key, to_jsonb(o),
               v_actor, v_correlation, v_metadata
        from old_rows as o;
    end if;
    return null;
end;
$$;

create function shq.forbid_change() returns trigger
language plpgsql
as $$
begin
    raise exception '% on %.% is not allowed: this table is write-once (append-only)',
        tg_op, tg_table_schema, tg_table_name
        using errcode = 'restrict_violation',
              hint = 'History is never rewritten: record a correction as a new row.';
end;
$$;

-- Blocks UPDATE, DELETE and TRUNCATE for every role, the owner included;
-- ENABLE ALWAYS keeps it firing under session_replication_role = replica.
create function shq.make_write_once(p_table regclass) returns void
language plpgsql
as $$
begin
    execute format(
        'create trigger forbid_change before update or delete or truncate on %s '
        'for each statement execute function shq.forbid_change()', p_table);
    execute format('alter table %s enable always trigger forbid_change', p_table);
end;
$$;

-- Audits inserts (and, for updatable tables, updates and deletes) of p_table.
create function shq.attach_audit(p_table regclass, p_key text, p_updatable boolean default false)
returns void
language plpgsql
as $$
begin
    execute format(
        'create trigger audit_insert after insert on %s referencing new table as new_rows '
        'for each statement execute function shq.audit_rows(%L)', p_table, p_key);
    execute format('alter table %s enable always trigger audit_insert', p_table);
    if p_updatable then
        execute format(
            'create trigger audit_update after update on %s '
            'referencing old table as old_rows new table as new_rows '
            'for each statement execute function shq.audit_rows(%L)', p_table, p_key);
        execute format('alter table %s enable always trigger audit_update', p_table);
        execute format(
            'create trigger audit_delete after delete on %s referencing old table as old_rows '
            'for each statement execute function shq.audit_rows(%L)', p_table, p_key);
        execute format('alter table %s enable always trigger audit_delete', p_table);
    end if;
end;
$$;

select shq.make_write_once('shq.audit_log');
select shq.make_write_once('shq.load_ledger');
