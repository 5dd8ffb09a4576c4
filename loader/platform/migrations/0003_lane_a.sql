-- Lane A (appointment reactivation): the write-once meeting history, and the
-- append-only touch log and kill switch that outreach writes to.
-- No foreign keys: company_id, people_id and outreach_id point outside the lane.

create table sales.appointment_history (
    appointment_uid text primary key,
    company_id uuid,
    people_id uuid,
    outreach_id uuid,
    meeting_date date not null,
    meeting_type sales.meeting_type_enum not null,
    meeting_outcome sales.meeting_outcome_enum not null,
    stalled_reason text,
    source sales.appointment_source_enum not null default 'manual',
    source_record_id text,
    created_at timestamptz not null default now(),
    constraint appointment_history_identified_chk
        check (company_id is not null or people_id is not null),
    constraint appointment_history_stalled_reason_chk
        check (meeting_outcome <> 'stalled' or nullif(btrim(stalled_reason), '') is not null),
    constraint appointment_history_uid_chk
        check (appointment_uid = coalesce(company_id::text, '') || '|'
            || coalesce(people_id::text, '') || '|' || to_char(meeting_date, 'YYYY-MM-DD'))
);

comment on table sales.appointment_history is 'Lane A fact: one row per past sales meeting. Write-once.';
comment on column sales.appointment_history.appointment_uid is 'Deterministic key company_id|people_id|meeting_date (lower-case UUIDs, empty for a missing id, ISO date).';
comment on column sales.appointment_history.company_id is 'Company of the prospect (outside the lane; no foreign key).';
comment on column sales.appointment_history.people_id is 'Person met (outside the lane; no foreign key).';
comment on column sales.appointment_history.outreach_id is 'Outreach record in the wider system, for analytics only (no foreign key).';
comment on column sales.appointment_history.meeting_date is 'Date of the meeting.';
comment on column sales.appointment_history.meeting_type is 'discovery, systems, numbers or other.';
comment on column sales.appointment_history.meeting_outcome is 'progressed, stalled, ghosted or lost.';
comment on column sales.appointment_history.stalled_reason is 'Why the meeting stalled; required when the outcome is stalled.';
comment on column sales.appointment_history.source is 'calendar, crm or manual.';
comment on column sales.appointment_history.source_record_id is 'Id of the meeting in the system it came from.';
comment on column sales.appointment_history.created_at is 'When the row was loaded.';

-- No secondary indexes: dbt scores the whole table in one pass and the views join
-- by appointment_uid, so per-person indexes would only slow every bulk load.

create table sales.reactivation_touches (
    touch_id bigint generated always as identity primary key,
    appointment_uid text not null,
    channel "bit".reactivation_channel_enum not null,
    touched_at timestamptz not null default now(),
    actor text not null,
    note text,
    created_at timestamptz not null default now()
);

comment on table sales.reactivation_touches is 'Lane A outreach touches (one row per message sent). Append-only.';
comment on column sales.reactivation_touches.appointment_uid is 'The appointment the touch reactivates.';
comment on column sales.reactivation_touches.channel is 'linkedin or email.';
comment on column sales.reactivation_touches.touched_at is 'When the message went out.';
comment on column sales.reactivation_touches.actor is 'Who sent it (person or tool).';

create index reactivation_touches_appointment_idx
    on sales.reactivation_touches (appointment_uid, touched_at);

create table sales.reactivation_kill_switch (
    entry_id bigint generated always as identity primary key,
    scope text not null check (scope in ('appointment', 'person', 'company')),
    scope_key text not null check (btrim(scope_key) <> ''),
    action text not null check (action in ('exclude', 'include')),
    reason text not null check (btrim(reason) <> ''),
    actor text not null check (btrim(actor) <> ''),
    expires_at timestamptz,
    created_at timestamptz not null default clock_timestamp()
);

comment on table sales.reactivation_kill_switch is 'Lane A kill switch: exclusions and inclusions by appointment, person or company. Append-only; the latest entry per (scope, scope_key) wins.';
comment on column sales.reactivation_kill_switch.scope is 'appointment (scope_key = appointment_uid), person (people_id) or company (company_id).';
comment on column sales.reactivation_kill_switch.action is 'exclude stops outreach; include lifts an earlier exclusion.';
comment on column sales.reactivation_kill_switch.expires_at is 'When the entry stops applying; null = never.';

create index reactivation_kill_switch_key_idx
    on sales.reactivation_kill_switch (scope, scope_key, created_at desc);

select shq.make_write_once('sales.appointment_history');
select shq.make_write_once('sales.reactivation_touches');
select shq.make_write_once('sales.reactivation_kill_switch');
select shq.attach_audit('sales.appointment_history', 'appointment_uid');
select shq.attach_audit('sales.reactivation_touches', 'touch_id');
select shq.attach_audit('sales.reactivation_kill_switch', 'entry_id');
