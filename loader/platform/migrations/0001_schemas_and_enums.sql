-- Schemas and enums of seed 000 (sections 2.4 and 3.4), with its names.
-- "bit" is a keyword in a type position, hence the quotes.

create schema if not exists sales;
create schema if not exists partners;
create schema if not exists "bit";
create schema if not exists shq;

comment on schema sales is 'Lane A (appointment reactivation): past sales meetings, touches, kill switch.';
comment on schema partners is 'Lane B (fractional CFO partners): partner master, partner meetings, touches, pauses.';
comment on schema "bit" is 'Scoring outputs built by dbt: one intent table and one ready view per lane.';
comment on schema shq is 'Shared infrastructure: append-only audit log, load ledger, migration ledger.';

create type sales.meeting_type_enum as enum ('discovery', 'systems', 'numbers', 'other');
create type sales.meeting_outcome_enum as enum ('progressed', 'stalled', 'ghosted', 'lost');
create type sales.appointment_source_enum as enum ('calendar', 'crm', 'manual');
create type "bit".reactivation_channel_enum as enum ('linkedin', 'email');
create type "bit".eligibility_status_enum as enum ('eligible', 'excluded', 'cooling_off');
create type partners.partner_status_enum as enum ('prospect', 'contacted', 'engaged', 'partner');
create type partners.partner_meeting_type_enum as enum ('intro', 'followup');
create type partners.partner_meeting_outcome_enum as enum ('warm', 'neutral', 'cold');
-- Lane B's own channel type: the lanes share no state, not even a type.
create type partners.partner_channel_enum as enum ('linkedin', 'email');
