{{
    config(
        materialized='view',
        schema='bit',
    )
}}

-- Does the score work? For each dimension and bucket: sent touches, replies,
-- meetings that came back (met_again), both rates and their 95% Wilson
-- intervals, so "3 of 4" reads as a wide interval, not as 75%. Reason codes
-- are the ones the row left with (kept by the export), else the meeting's
-- codes at the latest build.

with

outcomes as (
    select
        touch_id,
        appointment_uid,
        channel,
        message_variant_id,
        tier_at_touch,
        reason_codes_at_touch,
        replied,
        met_again
    from {{ ref('reactivation_outcomes') }}
),

reason_codes as (
    select
        outcomes.touch_id,
        unnest(coalesce(outcomes.reason_codes_at_touch, intent.bit_reason_codes))
            as reason_code
    from outcomes
    left join {{ ref('reactivation_intent') }} as intent
        on outcomes.appointment_uid = intent.appointment_uid
),

by_dimension as (
    select
        'overall' as dimension,
        'all' as bucket,
        replied,
        met_again
    from outcomes
    union all
    select
        'tier' as dimension,
        coalesce(tier_at_touch, 'unknown') as bucket,
        replied,
        met_again
    from outcomes
    union all
    select
        'channel' as dimension,
        channel as bucket,
        replied,
        met_again
    from outcomes
    union all
    select
        'message_variant_id' as dimension,
        coalesce(message_variant_id, 'unknown') as bucket,
        replied,
        met_again
    from outcomes
    union all
    select
        'reason_code' as dimension,
        reason_codes.reason_code as bucket,
        outcomes.replied,
        outcomes.met_again
    from outcomes
    inner join reason_codes
        on outcomes.touch_id = reason_codes.touch_id
),

counts as (
    select
        dimension,
        bucket,
        count(*) as touches,
        count(*) filter (where replied) as replies,
        count(*) filter (where met_again) as meetings
    from by_dimension
    group by dimension, bucket
)

select
    dimension || ':' || bucket as bucket_key,
    dimension,
    bucket,
    touches,
    replies,
    meetings,
    round(replies::numeric / touches, 4) as reply_rate,
    {{ wilson_low('replies', 'touches') }} as reply_rate_low,
    {{ wilson_high('replies', 'touches') }} as reply_rate_high,
    round(meetings::numeric / touches, 4) as meeting_rate,
    {{ wilson_low('meetings', 'touches') }} as meeting_rate_low,
    {{ wilson_high('meetings', 'touches') }} as meeting_rate_high
from counts
