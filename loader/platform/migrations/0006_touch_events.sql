-- Outreach activity comes back from the tools: a touch row is now an event
-- (sent, replied, bounced, unsubscribed), and a touch recorded by an export
-- keeps the score, tier and message variant the row had when it left. Only
-- new nullable or defaulted columns: the write-once rows are never updated.
-- Each lane keeps its own columns; nothing here links the lanes.

alter table sales.reactivation_touches
    add column event text not null default 'sent'
        constraint reactivation_touches_event_chk
        check (event in ('sent', 'replied', 'bounced', 'unsubscribed')),
    add column message_variant_id text,
    add column score_at_touch numeric(5, 2),
    add column tier_at_touch text,
    add column tool text;

comment on column sales.reactivation_touches.event is 'sent (the only event that counts as a touch for scoring), replied, bounced or unsubscribed.';
comment on column sales.reactivation_touches.message_variant_id is 'The message variant sent, when known.';
comment on column sales.reactivation_touches.score_at_touch is 'bit_score of the meeting when it was exported (null when unknown).';
comment on column sales.reactivation_touches.tier_at_touch is 'tier of the meeting when it was exported (null when unknown).';
comment on column sales.reactivation_touches.tool is 'Where the event came from: lemlist, instantly, heyreach, generic (a file), export, or a person (loader touch).';

-- The natural key an import compares on (appointment, channel, event, time).
create index reactivation_touches_event_idx
    on sales.reactivation_touches (appointment_uid, channel, event, touched_at);

alter table partners.partner_touches
    add column event text not null default 'sent'
        constraint partner_touches_event_chk
        check (event in ('sent', 'replied', 'bounced', 'unsubscribed')),
    add column message_variant_id text,
    add column score_at_touch numeric(5, 2),
    add column next_action_at_touch text,
    add column tool text;

comment on column partners.partner_touches.next_action_at_touch is 'recommended_next_action of the partner when it was exported (null when unknown).';
comment on column partners.partner_touches.event is 'sent (the only event that counts as a touch for scoring), replied, bounced or unsubscribed.';
comment on column partners.partner_touches.message_variant_id is 'The message variant sent, when known.';
comment on column partners.partner_touches.score_at_touch is 'leverage_score of the partner when it was exported (null when unknown).';
comment on column partners.partner_touches.tool is 'Where the event came from: lemlist, instantly, heyreach, generic (a file), export, or a person (loader touch).';

create index partner_touches_event_idx
    on partners.partner_touches (fractional_cfo_id, channel, event, touched_at);
