-- Why outreach was stopped, typed. An unsubscribe and a person's decision were
-- told apart by the free text of `reason` ("unsubscribed (<tool>, <day>)"), so
-- the loader matched the reason's text ("unsubscribed ...") and the queue showed an
-- unsubscribe as a manual exclusion. Every stop now goes through one path
-- (loader/outreach/kill_switch.py) that sets `cause`: manual (a person's
-- `loader exclude` / `pause`, or lifting one) or unsubscribed (a tool's
-- unsubscribe, or a kept suppression matched when the person arrived).
-- Entries written before this migration take their cause from that text once,
-- here; the write-once guard is lifted for that one statement only.

alter table sales.reactivation_kill_switch
add column cause text not null default 'manual'
check (cause in ('manual', 'unsubscribed'));

comment on column sales.reactivation_kill_switch.cause is 'Why: manual (a person decided) or unsubscribed (the prospect opted out through a tool).';

alter table partners.partner_pauses
add column cause text not null default 'manual'
check (cause in ('manual', 'unsubscribed'));

comment on column partners.partner_pauses.cause is 'Why: manual (a person decided) or unsubscribed (the partner opted out through a tool).';

alter table sales.reactivation_kill_switch disable trigger forbid_change;
update sales.reactivation_kill_switch set cause = 'unsubscribed'
where starts_with(reason, 'unsubscribed (');
alter table sales.reactivation_kill_switch enable always trigger forbid_change;

alter table partners.partner_pauses disable trigger forbid_change;
update partners.partner_pauses set cause = 'unsubscribed'
where starts_with(reason, 'unsubscribed (');
alter table partners.partner_pauses enable always trigger forbid_change;
