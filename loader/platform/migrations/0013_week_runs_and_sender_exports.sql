-- `loader week` (docs/operations.md): one run a week, by hand or on a schedule.
--
-- shq.sender_exports: what each sender was handed by a week run, so caps hold across
-- runs (a Wednesday run exports only what is left of the week's cap) and the freshness
-- gate knows which tool owes activity since its last export.
-- shq.week_runs: one row per run that got past its checks, with whether it went on
-- although data was stale (--allow-stale) and why it was stale.
-- shq.load_ledger.tool: the outreach tool an activity file came from, so "lemlist's
-- activity was loaded since the last export to lemlist" is one query.

alter table shq.load_ledger add column tool text;

comment on column shq.load_ledger.tool is 'For an activity (touches) load: the outreach tool whose export it was (generic: our own layout).';

create table shq.week_runs (
    week_run_id bigint generated always as identity primary key,
    correlation_id uuid not null unique,
    started_at timestamptz not null,
    finished_at timestamptz not null default clock_timestamp(),
    actor text not null,
    files_loaded integer not null check (files_loaded >= 0),
    rows_exported integer not null check (rows_exported >= 0),
    allowed_stale boolean not null default false,
    stale_reasons text[] not null default '{}',
    loader_version text
);

comment on table shq.week_runs is 'One row per `loader week` run that exported (or had nothing to export), never for --dry-run.';
comment on column shq.week_runs.allowed_stale is 'The run went on with --allow-stale although the freshness gate found stale data.';
comment on column shq.week_runs.stale_reasons is 'What the freshness gate found (a tool owing activity, old meetings), empty when fresh.';

create table shq.sender_exports (
    sender_export_id bigint generated always as identity primary key,
    week_run uuid not null references shq.week_runs (correlation_id),
    export_run uuid not null,
    lane text not null check (lane in ('lane_a', 'lane_b')),
    sender text not null,
    tool text not null,
    channel text not null,
    rows_exported integer not null check (rows_exported >= 0),
    file_name text not null,
    exported_at timestamptz not null default clock_timestamp()
);

comment on table shq.sender_exports is 'What a `loader week` run handed each sender: the caps count these rows.';
comment on column shq.sender_exports.export_run is 'The export run: the planned touches of these rows carry it (export_run).';

create index sender_exports_sender_idx on shq.sender_exports (lane, sender, exported_at);

select shq.make_write_once('shq.week_runs');
select shq.make_write_once('shq.sender_exports');
