-- Lane B (fractional CFO partners): the updatable partner master, write-once
-- partner meetings (the one foreign key, inside the lane), touches and pauses.

create table partners.fractional_cfo_master (
    fractional_cfo_id uuid primary key default gen_random_uuid(),
    firm_name text not null check (btrim(firm_name) <> ''),
    primary_contact_name text not null check (btrim(primary_contact_name) <> ''),
    linkedin_url text
        constraint fractional_cfo_master_linkedin_chk
        check (linkedin_url ~* '^https?://([a-z0-9-]+\.)*linkedin\.com/[^[:space:]]+$'),
    email text
        constraint fractional_cfo_master_email_chk
        check (email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' and email = lower(email)),
    geography text,
    niche_focus text,
    source text not null check (btrim(source) <> ''),
    status partners.partner_status_enum not null default 'prospect',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

comment on table partners.fractional_cfo_master is 'Lane B master: one row per fractional CFO partner (or prospect partner). Updatable; every change audited.';
comment on column partners.fractional_cfo_master.fractional_cfo_id is 'Primary key, generated on first load.';
comment on column partners.fractional_cfo_master.firm_name is 'Partner firm name.';
comment on column partners.fractional_cfo_master.primary_contact_name is 'Main contact at the firm.';
comment on column partners.fractional_cfo_master.linkedin_url is 'LinkedIn profile URL (linkedin.com).';
comment on column partners.fractional_cfo_master.email is 'Contact email, lower-case.';
comment on column partners.fractional_cfo_master.geography is 'Operating region, e.g. Mid-Atlantic.';
comment on column partners.fractional_cfo_master.niche_focus is 'Industry focus, e.g. Healthcare.';
comment on column partners.fractional_cfo_master.source is 'Where the partner came from, e.g. LinkedIn, Referral.';
comment on column partners.fractional_cfo_master.status is 'prospect, contacted, engaged or partner.';
comment on column partners.fractional_cfo_master.updated_at is 'Last change, maintained by a trigger.';

create unique index fractional_cfo_master_email_key on partners.fractional_cfo_master (email)
    where email is not null;
create unique index fractional_cfo_master_linkedin_key
    on partners.fractional_cfo_master (lower(linkedin_url)) where linkedin_url is not null;

create function partners.touch_updated_at() returns trigger
language plpgsql
as $$
begin
    if new.fractional_cfo_id is distinct from old.fractional_cfo_id then
        raise exception 'fractional_cfo_id of a partner cannot change (was %, got %)',
            old.fractional_cfo_id, new.fractional_cfo_id
            using errcode = 'restrict_violation';
    end if;
    new.created_at := old.created_at;
    new.updated_at := now();
    return new;
end;
$$;

create trigger touch_updated_at before update on partners.fractional_cfo_master
for each row execute function partners.touch_updated_at();
alter table partners.fractional_cfo_master enable always trigger touch_updated_at;

create table partners.partner_appointments (
    partner_appointment_uid text primary key,
    fractional_cfo_id uuid not null
        references partners.fractional_cfo_master (fractional_cfo_id),
    meeting_date date not null,
    meeting_type partners.partner_meeting_type_enum not null,
    outcome partners.partner_meeting_outcome_enum not null,
    notes text,
    created_at timestamptz not null default now(),
    constraint partner_appointments_uid_chk check (
        split_part(partner_appointment_uid, '|', 1) = fractional_cfo_id::text
        and split_part(partner_appointment_uid, '|', 2) = to_char(meeting_date, 'YYYY-MM-DD')
        and split_part(partner_appointment_uid, '|', 3) ~ '^[1-9][0-9]*$'
        and split_part(partner_appointment_uid, '|', 4) = ''
    )
);

comment on table partners.partner_appointments is 'Lane B fact: one row per meeting with a partner. Write-once.';
comment on column partners.partner_appointments.partner_appointment_uid is 'Deterministic key fractional_cfo_id|meeting_date|seq (seq counts meetings with that partner that day).';
comment on column partners.partner_appointments.fractional_cfo_id is 'The partner met.';
comment on column partners.partner_appointments.meeting_date is 'Date of the meeting.';
comment on column partners.partner_appointments.meeting_type is 'intro or followup.';
comment on column partners.partner_appointments.outcome is 'warm, neutral or cold.';
comment on column partners.partner_appointments.notes is 'Free-text notes.';

create index partner_appointments_partner_idx
    on partners.partner_appointments (fractional_cfo_id, meeting_date);

create table partners.partner_touches (
    touch_id bigint generated always as identity primary key,
    fractional_cfo_id uuid not null,
    channel partners.partner_channel_enum not null,
    touched_at timestamptz not null default now(),
    actor text not null,
    note text,
    created_at timestamptz not null default now()
);

comment on table partners.partner_touches is 'Lane B outreach touches to partners. Append-only.';
comment on column partners.partner_touches.channel is 'linkedin or email.';
comment on column partners.partner_touches.touched_at is 'When the message went out.';

create index partner_touches_partner_idx on partners.partner_touches (fractional_cfo_id, touched_at);

create table partners.partner_pauses (
    entry_id bigint generated always as identity primary key,
    fractional_cfo_id uuid not null,
    action text not null check (action in ('pause', 'resume')),
    reason text not null check (btrim(reason) <> ''),
    actor text not null check (btrim(actor) <> ''),
    created_at timestamptz not null default clock_timestamp()
);

comment on table partners.partner_pauses is 'Lane B kill switch: pause and resume outreach to a partner. Append-only; the latest entry per partner wins.';
comment on column partners.partner_pauses.action is 'pause stops outreach; resume lifts the pause.';

create index partner_pauses_partner_idx on partners.partner_pauses (fractional_cfo_id, created_at desc);

select shq.make_write_once('partners.partner_appointments');
select shq.make_write_once('partners.partner_touches');
select shq.make_write_once('partners.partner_pauses');
select shq.attach_audit('partners.fractional_cfo_master', 'fractional_cfo_id', true);
select shq.attach_audit('partners.partner_appointments', 'partner_appointment_uid');
select shq.attach_audit('partners.partner_touches', 'touch_id');
select shq.attach_audit('partners.partner_pauses', 'entry_id');
