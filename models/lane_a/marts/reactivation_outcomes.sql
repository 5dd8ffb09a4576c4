{{
    config(
        materialized='table',
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

meetings as (
    select * from {{ ref('stg_lane_a__appointment_history') }}
    where meeting_date <= {{ lanes_as_of_date() }}
),

outreach_events as (
    {{ touch_events_as_of(ref('stg_lane_a__reactivation_touches'), 'appointment_uid') }}
),

-- Each real send once (a planned touch and the tool's send that confirms it
-- are one), with the score, tier, reason codes and variant it was handed
-- out with.
sent as (
    select
        sends.send_id as touch_id,
        sends.appointment_uid,
        meetings.people_id,
        meetings.company_id,
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
    inner join meetings
        on sends.appointment_uid = meetings.appointment_uid
),

-- A reply on the same meeting; a new meeting of the same prospect: the person,
-- else (a send to no named person) the company.
{{ outcome_credit_ctes(
    'appointment_uid',
    'appointment_uid',
    "(meetings.people_id = sent.people_id"
    ~ " or (sent.people_id is null and meetings.company_id = sent.company_id))",
    var('reactivation_window_days'),
) }}

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
    credited_touches.first_meeting_key as reactivation_appointment_uid,
    credited_touches.first_meeting_date - sent.touched_on as days_to_meeting,
    now() as computed_at
from sent
left join replies
    on sent.touch_id = replies.touch_id
left join credited_touches
    on sent.touch_id = credited_touches.touch_id
