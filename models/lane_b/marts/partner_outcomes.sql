{{
    config(
        materialized='table',
        schema='bit',
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
    select
        partner_appointment_uid,
        fractional_cfo_id,
        meeting_date,
        meeting_outcome
    from {{ ref('int_partner__meetings') }}
    where meeting_date <= {{ lanes_as_of_date() }}
),

outreach_events as (
    select
        touch_id,
        fractional_cfo_id,
        channel,
        touched_at,
        touch_event
    from {{ ref('stg_lane_b__partner_touches') }}
    where touched_at <= {{ lanes_as_of_timestamp() }}
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

replies as (
    select
        sent.touch_id,
        min(outreach_events.touched_at) as first_reply_at
    from sent
    inner join outreach_events
        on
            sent.fractional_cfo_id = outreach_events.fractional_cfo_id
            and outreach_events.touch_event = 'replied'
            -- At the same moment counts: a file that gives dates only puts a send
            -- and a same-day reply at the same noon.
            and sent.touched_at <= outreach_events.touched_at
            and (sent.next_sent_at is null or sent.next_sent_at > outreach_events.touched_at)
    group by sent.touch_id
),

candidate_credits as (
    select
        meetings.partner_appointment_uid,
        meetings.meeting_date,
        meetings.meeting_outcome,
        sent.touch_id,
        sent.touched_at
    from meetings
    inner join sent
        on
            meetings.fractional_cfo_id = sent.fractional_cfo_id
            and meetings.meeting_date > sent.touched_on
            and meetings.meeting_date <= sent.touched_on + {{ var('partner_window_days') }}
),

credits as (
    select distinct on (partner_appointment_uid)
        partner_appointment_uid,
        meeting_date,
        meeting_outcome,
        touch_id
    from candidate_credits
    order by partner_appointment_uid asc, touched_at desc, touch_id desc
),

credited_touches as (
    select
        touch_id,
        min(meeting_date) as first_meeting_date,
        (array_agg(partner_appointment_uid order by meeting_date, partner_appointment_uid))[1]
            as next_meeting_uid,
        bool_or(meeting_outcome = 'warm') as met_warm
    from credits
    group by touch_id
)

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
    credited_touches.next_meeting_uid,
    credited_touches.first_meeting_date - sent.touched_on as days_to_meeting,
    now() as computed_at
from sent
left join replies
    on sent.touch_id = replies.touch_id
left join credited_touches
    on sent.touch_id = credited_touches.touch_id
