-- What a real week brings (issue 23), kept write-once:
--
-- 1. Outcome revisions. A CRM re-export changes a stored meeting's outcome
--    ("stalled" becomes "progressed"). The meeting row is never updated: the new
--    values are a fact of their own, one row per change, and scoring reads the
--    latest one (as of its as-of moment). Each lane has its own table.
-- 2. Planned touches. `export --mark-touched` records what it handed out as
--    event 'planned'; the tool's own 'sent' confirms it (dbt pairs them), so one
--    real send is counted once.
-- 3. Suppressions. An unsubscribe for an address no stored meeting has yet is
--    kept, keyed by the address, and stops that person the moment a meeting of
--    theirs is loaded (in the same transaction as the meeting).
-- 4. The load ledger counts revisions beside inserts and duplicates.
-- Nothing here links the lanes.

create table sales.appointment_revisions (
    revision_id bigint generated always as identity primary key,
    appointment_uid text not null,
    meeting_type sales.meeting_type_enum not null,
    meeting_outcome sales.meeting_outcome_enum not null,
    stalled_reason text,
    correlation_id uuid not null,
    revised_at timestamptz not null default clock_timestamp(),
    constraint appointment_revisions_stalled_reason_chk
        check (meeting_outcome <> 'stalled' or nullif(btrim(stalled_reason), '') is not null)
);

comment on table sales.appointment_revisions is 'Lane A: a later value of a stored meeting''s revisable fields (outcome, stalled reason, type), as a re-export brought it. Write-once; the latest revision per meeting wins.';
comment on column sales.appointment_revisions.appointment_uid is 'The stored meeting revised (sales.appointment_history).';
comment on column sales.appointment_revisions.meeting_type is 'The meeting type from this revision on.';
comment on column sales.appointment_revisions.meeting_outcome is 'The outcome from this revision on.';
comment on column sales.appointment_revisions.stalled_reason is 'The stalled reason from this revision on.';
comment on column sales.appointment_revisions.correlation_id is 'The ingest run that recorded it (shq.load_ledger.correlation_id).';
comment on column sales.appointment_revisions.revised_at is 'When the revision was loaded.';

create index appointment_revisions_uid_idx
    on sales.appointment_revisions (appointment_uid, revised_at desc, revision_id desc);

create table partners.partner_appointment_revisions (
    revision_id bigint generated always as identity primary key,
    partner_appointment_uid text not null,
    meeting_type partners.partner_meeting_type_enum not null,
    outcome partners.partner_meeting_outcome_enum not null,
    notes text,
    correlation_id uuid not null,
    revised_at timestamptz not null default clock_timestamp()
);

comment on table partners.partner_appointment_revisions is 'Lane B: a later value of a stored partner meeting''s type, outcome or notes, as a re-export brought it. Write-once; the latest revision per meeting wins.';
comment on column partners.partner_appointment_revisions.partner_appointment_uid is 'The stored partner meeting revised.';
comment on column partners.partner_appointment_revisions.meeting_type is 'intro or followup, from this revision on.';
comment on column partners.partner_appointment_revisions.outcome is 'warm, neutral or cold, from this revision on.';
comment on column partners.partner_appointment_revisions.notes is 'The notes from this revision on.';
comment on column partners.partner_appointment_revisions.correlation_id is 'The ingest run that recorded it (shq.load_ledger.correlation_id).';
comment on column partners.partner_appointment_revisions.revised_at is 'When the revision was loaded.';

create index partner_appointment_revisions_uid_idx
    on partners.partner_appointment_revisions (
        partner_appointment_uid, revised_at desc, revision_id desc
    );

alter table sales.reactivation_touches
    drop constraint reactivation_touches_event_chk,
    add constraint reactivation_touches_event_chk
        check (event in ('planned', 'sent', 'replied', 'bounced', 'unsubscribed')),
    add column export_run uuid;

comment on column sales.reactivation_touches.event is 'planned (handed out by an export, until the tool confirms it), sent, replied, bounced or unsubscribed.';
comment on column sales.reactivation_touches.export_run is 'The export that handed the row out (planned touches only).';

alter table partners.partner_touches
    drop constraint partner_touches_event_chk,
    add constraint partner_touches_event_chk
        check (event in ('planned', 'sent', 'replied', 'bounced', 'unsubscribed')),
    add column export_run uuid;

comment on column partners.partner_touches.event is 'planned (handed out by an export, until the tool confirms it), sent, replied, bounced or unsubscribed.';
comment on column partners.partner_touches.export_run is 'The export that handed the row out (planned touches only).';

create table sales.reactivation_suppressions (
    suppression_id bigint generated always as identity primary key,
    email text,
    linkedin_url text,
    tool text not null,
    unsubscribed_at timestamptz not null,
    actor text not null,
    created_at timestamptz not null default clock_timestamp(),
    constraint reactivation_suppressions_address_chk
        check (email is not null or linkedin_url is not null)
);

comment on table sales.reactivation_suppressions is 'Lane A: an unsubscribe for an address no stored meeting had when it came in. A meeting of that person excludes them in the kill switch as it is loaded. Write-once.';
comment on column sales.reactivation_suppressions.email is 'The address that unsubscribed (lower-case).';
comment on column sales.reactivation_suppressions.linkedin_url is 'The LinkedIn profile that unsubscribed.';
comment on column sales.reactivation_suppressions.tool is 'Where the unsubscribe came from.';
comment on column sales.reactivation_suppressions.unsubscribed_at is 'When the person unsubscribed.';

create index reactivation_suppressions_email_idx on sales.reactivation_suppressions (email);
create index reactivation_suppressions_linkedin_idx
    on sales.reactivation_suppressions (lower(linkedin_url));

alter table shq.load_ledger
    add column revised integer not null default 0 check (revised >= 0);

comment on column shq.load_ledger.revised is 'Stored meetings whose revisable fields the file changed (a revision row each).';

select shq.make_write_once('sales.appointment_revisions');
select shq.attach_audit('sales.appointment_revisions', 'revision_id');
select shq.make_write_once('partners.partner_appointment_revisions');
select shq.attach_audit('partners.partner_appointment_revisions', 'revision_id');
select shq.make_write_once('sales.reactivation_suppressions');
select shq.attach_audit('sales.reactivation_suppressions', 'suppression_id');

-- shq.write_guards: redefined once, at the end, with every table this migration adds.

-- 5. A new email lifts a bounce. The directory keeps one email per person (the
--    latest file wins); a bounce recorded before the email last changed was for
--    the old address. Set by a trigger on updates only: a bulk load's inserts
--    pay nothing, and null means "unchanged since first stored".
alter table sales.prospect_people add column email_changed_at timestamptz;

comment on column sales.prospect_people.email_changed_at is 'When a later file last changed the email (null: unchanged since first stored). A bounce before it was for an older address.';

create function sales.track_email_change() returns trigger
language plpgsql
as $$
begin
    if new.email is distinct from old.email then
        new.email_changed_at := clock_timestamp();
    end if;
    return new;
end;
$$;

create trigger track_email_change before update of email on sales.prospect_people
for each row execute function sales.track_email_change();
alter table sales.prospect_people enable always trigger track_email_change;

-- 6. A phone number, where the CRM export has one: the outreach tools that call or
--    text take it (lemlist `phone`, Instantly `phone`, Smartlead `phone_number`).
alter table sales.prospect_people add column phone text;

comment on column sales.prospect_people.phone is 'Phone number as the CRM writes it (free text; tools read it as is).';

-- 7. Lane B's own: a new email in the partner master lifts a bounce, and an
--    unsubscribe from an address no partner has yet is kept and pauses that
--    partner when they are loaded. Its own function and table: nothing shared
--    with Lane A.
alter table partners.fractional_cfo_master add column email_changed_at timestamptz;

comment on column partners.fractional_cfo_master.email_changed_at is 'When a later file last changed the email (null: unchanged since first stored). A bounce before it was for an older address.';

create function partners.track_email_change() returns trigger
language plpgsql
as $$
begin
    if new.email is distinct from old.email then
        new.email_changed_at := clock_timestamp();
    end if;
    return new;
end;
$$;

create trigger track_email_change before update of email on partners.fractional_cfo_master
for each row execute function partners.track_email_change();
alter table partners.fractional_cfo_master enable always trigger track_email_change;

create table partners.partner_suppressions (
    suppression_id bigint generated always as identity primary key,
    email text,
    linkedin_url text,
    tool text not null,
    unsubscribed_at timestamptz not null,
    actor text not null,
    created_at timestamptz not null default clock_timestamp(),
    constraint partner_suppressions_address_chk
        check (email is not null or linkedin_url is not null)
);

comment on table partners.partner_suppressions is 'Lane B: an unsubscribe for an address no stored partner had when it came in. Loading that partner pauses them. Write-once.';
comment on column partners.partner_suppressions.email is 'The address that unsubscribed (lower-case).';
comment on column partners.partner_suppressions.linkedin_url is 'The LinkedIn profile that unsubscribed.';
comment on column partners.partner_suppressions.tool is 'Where the unsubscribe came from.';
comment on column partners.partner_suppressions.unsubscribed_at is 'When the partner unsubscribed.';

create index partner_suppressions_email_idx on partners.partner_suppressions (email);

select shq.make_write_once('partners.partner_suppressions');
select shq.attach_audit('partners.partner_suppressions', 'suppression_id');

create or replace view shq.write_guards as
with expected (table_name, trigger_name) as (
    values
        ('shq.audit_log', 'forbid_change'),
        ('shq.load_ledger', 'forbid_change'),
        ('sales.appointment_history', 'forbid_change'),
        ('sales.appointment_history', 'audit_insert'),
        ('sales.appointment_revisions', 'forbid_change'),
        ('sales.appointment_revisions', 'audit_insert'),
        ('sales.reactivation_touches', 'forbid_change'),
        ('sales.reactivation_touches', 'audit_insert'),
        ('sales.reactivation_kill_switch', 'forbid_change'),
        ('sales.reactivation_kill_switch', 'audit_insert'),
        ('sales.reactivation_suppressions', 'forbid_change'),
        ('sales.reactivation_suppressions', 'audit_insert'),
        ('sales.prospect_people', 'audit_insert'),
        ('sales.prospect_people', 'audit_update'),
        ('sales.prospect_people', 'audit_delete'),
        ('sales.prospect_companies', 'audit_insert'),
        ('sales.prospect_companies', 'audit_update'),
        ('sales.prospect_companies', 'audit_delete'),
        ('partners.partner_appointments', 'forbid_change'),
        ('partners.partner_appointments', 'audit_insert'),
        ('partners.partner_appointment_revisions', 'forbid_change'),
        ('partners.partner_appointment_revisions', 'audit_insert'),
        ('partners.partner_touches', 'forbid_change'),
        ('partners.partner_touches', 'audit_insert'),
        ('partners.partner_pauses', 'forbid_change'),
        ('partners.partner_pauses', 'audit_insert'),
        ('partners.partner_suppressions', 'forbid_change'),
        ('partners.partner_suppressions', 'audit_insert'),
        ('partners.fractional_cfo_master', 'audit_insert'),
        ('partners.fractional_cfo_master', 'audit_update'),
        ('partners.fractional_cfo_master', 'audit_delete')
)

select
    expected.table_name,
    expected.trigger_name,
    case
        when guard.oid is null then 'missing'
        when guard.tgenabled = 'D' then 'disabled'
        when guard.tgenabled <> 'A' then 'not always'
        else 'enabled'
    end as state
from expected
left join pg_trigger as guard
    on
        guard.tgrelid = to_regclass(expected.table_name)
        and guard.tgname = expected.trigger_name;
