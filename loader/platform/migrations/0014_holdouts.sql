-- A random holdout (docs/scoring.md, "What outreach adds"): a share of each lane's
-- ready queue (holdout_share, 10%) is held out, stably per person (a fixed hash: the
-- same person on the same side week after week), never exported. These tables record
-- when an export left each held-out row out, so its outcome (a new meeting within the
-- window, as for a send) can be compared with the contacted ones': the uplift.

create table sales.reactivation_holdouts (
    holdout_id bigint generated always as identity primary key,
    appointment_uid text not null,
    people_id uuid,
    company_id uuid,
    held_out_at timestamptz not null default clock_timestamp(),
    export_run uuid not null,
    score_at_holdout numeric,
    tier_at_holdout text,
    created_at timestamptz not null default now()
);

comment on table sales.reactivation_holdouts is 'Ready meetings an export held out (the random holdout), once each: the comparison group for the uplift.';
comment on column sales.reactivation_holdouts.held_out_at is 'When the export that first left the row out ran.';
comment on column sales.reactivation_holdouts.export_run is 'That export''s run id.';

create unique index reactivation_holdouts_once on sales.reactivation_holdouts (appointment_uid);

create table partners.partner_holdouts (
    holdout_id bigint generated always as identity primary key,
    fractional_cfo_id uuid not null,
    held_out_at timestamptz not null default clock_timestamp(),
    export_run uuid not null,
    score_at_holdout numeric,
    next_action_at_holdout text,
    created_at timestamptz not null default now()
);

comment on table partners.partner_holdouts is 'Ready partners an export held out (the random holdout), once each: the comparison group for the uplift.';
comment on column partners.partner_holdouts.held_out_at is 'When the export that first left the partner out ran.';
comment on column partners.partner_holdouts.export_run is 'That export''s run id.';

create unique index partner_holdouts_once on partners.partner_holdouts (fractional_cfo_id);

select shq.make_write_once('sales.reactivation_holdouts');
select shq.attach_audit('sales.reactivation_holdouts', 'holdout_id');
select shq.make_write_once('partners.partner_holdouts');
select shq.attach_audit('partners.partner_holdouts', 'holdout_id');
