{{
    config(
        materialized='table',
        schema='bit',
    )
}}

-- What happened after each message that went out: one row per send
-- (int_reactivation__sends: a planned touch and its confirmation are one).
-- replied: a reply on the same meeting after it and before the next sent
-- touch. met_again: the same prospect (the person, else the company) has a
-- new meeting dated after the touch's day and within reactivation_window_days;
-- each new meeting is credited to the latest sent touch before it (one meeting,
-- one credit). Events after the as-of moment are ignored, like in scoring.

with

appointments as (
    select
        appointment_uid,
        people_id,
        company_id,
        meeting_date
    from {{ ref('stg_lane_a__appointment_history') }}
    where meeting_date <= {{ lanes_as_of_date() }}
),

outreach_events as (
    select
        touch_id,
        appointment_uid,
        channel,
        touched_at,
        touch_event
    from {{ ref('stg_lane_a__reactivation_touches') }}
    where touched_at <= {{ lanes_as_of_timestamp() }}
),

-- Each real send once (a planned touch and the tool's send that confirms it
-- are one), with the score, tier, reason codes and variant it was handed
-- out with.
sent as (
    select
        sends.send_id as touch_id,
        sends.appointment_uid,
        appointments.people_id,
        appointments.company_id,
        sends.channel,
        sends.sent_at as touched_at,
        (sends.sent_at at time zone 'utc')::date as touched_on,
        sends.send_status,
        sends.message_variant_id,
        sends.score_at_touch,
        sends.tier_at_touch,
        sends.reason_codes_at_touch,
        lead(sends.sent_at) over (
            partition by sends.appointment_uid
            order by sends.sent_at, sends.send_id
        ) as next_sent_at
    from {{ ref('int_reactivation__sends') }} as sends
    inner join appointments
        on sends.appointment_uid = appointments.appointment_uid
),

replies as (
    select
        sent.touch_id,
        min(outreach_events.touched_at) as first_reply_at
    from sent
    inner join outreach_events
        on
            sent.appointment_uid = outreach_events.appointment_uid
            and outreach_events.touch_event = 'replied'
            -- At the same moment counts: a file that gives dates only puts a send
            -- and a same-day reply at the same noon.
            and sent.touched_at <= outreach_events.touched_at
            and (sent.next_sent_at is null or sent.next_sent_at > outreach_events.touched_at)
    group by sent.touch_id
),

-- Every (new meeting, earlier sent touch of the same prospect within the window).
candidate_credits as (
    select
        appointments.appointment_uid as new_appointment_uid,
        appointments.meeting_date,
        sent.touch_id,
        sent.touched_at
    from appointments
    inner join sent
        on
            (
                appointments.people_id = sent.people_id
                or (sent.people_id is null and appointments.company_id = sent.company_id)
            )
            and appointments.meeting_date > sent.touched_on
            and appointments.meeting_date
            <= sent.touched_on + {{ var('reactivation_window_days') }}
),

credits as (
    select distinct on (new_appointment_uid)
        new_appointment_uid,
        meeting_date,
        touch_id
    from candidate_credits
    order by new_appointment_uid asc, touched_at desc, touch_id desc
),

credited_touches as (
    select
        touch_id,
        min(meeting_date) as first_meeting_date,
        (array_agg(new_appointment_uid order by meeting_date, new_appointment_uid))[1]
            as reactivation_appointment_uid
    from credits
    group by touch_id
)

select
    sent.touch_id,
    sent.appointment_uid,
    sent.people_id,
    sent.company_id,
    sent.touched_at,
    sent.channel,
    sent.send_status,
    sent.message_variant_id,
    sent.score_at_touch,
    sent.tier_at_touch,
    sent.reason_codes_at_touch,
    replies.touch_id is not null as replied,
    replies.first_reply_at,
    credited_touches.touch_id is not null as met_again,
    credited_touches.reactivation_appointment_uid,
    credited_touches.first_meeting_date - sent.touched_on as days_to_meeting,
    now() as computed_at
from sent
left join replies
    on sent.touch_id = replies.touch_id
left join credited_touches
    on sent.touch_id = credited_touches.touch_id
