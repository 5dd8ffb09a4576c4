{{
    config(
        materialized='view',
        schema='bit',
    )
}}

-- Which messages bring partners back? For each dimension and bucket: sent
-- touches, replies, new meetings and warm ones, the rates and their 95% Wilson
-- intervals (so "3 of 4" reads as a wide interval, not as 75%).

with

outcomes as (
    select
        touch_id,
        channel,
        message_variant_id,
        next_action_at_touch,
        replied,
        met_again,
        met_warm
    from {{ ref('partner_outcomes') }}
),

by_dimension as (
    select
        'overall' as dimension,
        'all' as bucket,
        replied,
        met_again,
        met_warm
    from outcomes
    union all
    select
        'channel' as dimension,
        channel as bucket,
        replied,
        met_again,
        met_warm
    from outcomes
    union all
    select
        'message_variant_id' as dimension,
        coalesce(message_variant_id, 'unknown') as bucket,
        replied,
        met_again,
        met_warm
    from outcomes
    union all
    select
        'next_action' as dimension,
        coalesce(next_action_at_touch, 'unknown') as bucket,
        replied,
        met_again,
        met_warm
    from outcomes
),

counts as (
    select
        dimension,
        bucket,
        count(*) as touches,
        count(*) filter (where replied) as replies,
        count(*) filter (where met_again) as meetings,
        count(*) filter (where met_warm) as warm_meetings
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
    warm_meetings,
    round(replies::numeric / touches, 4) as reply_rate,
    {{ wilson_low('replies', 'touches') }} as reply_rate_low,
    {{ wilson_high('replies', 'touches') }} as reply_rate_high,
    round(meetings::numeric / touches, 4) as meeting_rate,
    {{ wilson_low('meetings', 'touches') }} as meeting_rate_low,
    {{ wilson_high('meetings', 'touches') }} as meeting_rate_high,
    round(warm_meetings::numeric / touches, 4) as warm_meeting_rate
from counts
