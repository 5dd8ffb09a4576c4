{{
    config(
        materialized='table',
    )
}}

-- What happened after each message to a partner: one row per send
-- (int_partner__sends: a planned touch and its confirmation are one).
-- replied: a reply from the partner after it and before the next sent touch.
-- met_again: a new meeting with the partner dated after the touch's day and
-- within partner_window_days, each meeting credited to the latest sent touch
-- before it (one meeting, one credit); met_warm: that meeting went warm.
-- Events after the as-of moment are ignored, like in scoring.

with

meetings as (
    select * from {{ ref('int_partner__meetings') }}
    where meeting_date <= {{ lanes_as_of_date() }}
),

outreach_events as (
    {{ touch_events_as_of(ref('stg_lane_b__partner_touches'), 'fractional_cfo_id') }}
),

-- Each real send once (a planned touch and the tool's send that confirms it
-- are one), with the score, next action and variant it was handed out with.
sent as (
    select
        send_id as touch_id,
        fractional_cfo_id,
        channel,
        sent_at as touched_at,
        (sent_at at time zone 'utc')::date as touched_on,
        send_status,
        message_variant_id,
        score_at_touch,
        next_action_at_touch,
        factors_at_touch,
        lead(sent_at) over (
            partition by fractional_cfo_id
            order by sent_at, send_id
        ) as next_sent_at
    from {{ ref('int_partner__sends') }}
),

{{ outcome_credit_ctes(
    'fractional_cfo_id',
    'partner_appointment_uid',
    'meetings.fractional_cfo_id = sent.fractional_cfo_id',
    var('partner_window_days'),
    warm_when="meetings.meeting_outcome = 'warm'",
) }}

select
    sent.touch_id,
    sent.fractional_cfo_id,
    sent.touched_at,
    sent.channel,
    sent.send_status,
    sent.message_variant_id,
    sent.score_at_touch,
    sent.next_action_at_touch,
    sent.factors_at_touch,
    replies.touch_id is not null as replied,
    replies.first_reply_at,
    credited_touches.touch_id is not null as met_again,
    coalesce(credited_touches.met_warm, false) as met_warm,
    credited_touches.first_meeting_key as next_meeting_uid,
    credited_touches.first_meeting_date - sent.touched_on as days_to_meeting,
    now() as computed_at
from sent
left join replies
    on sent.touch_id = replies.touch_id
left join credited_touches
    on sent.touch_id = credited_touches.touch_id
