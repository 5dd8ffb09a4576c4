-- Which messages bring partners back? Per dimension and bucket
-- (macros/performance.sql), with the meetings that went warm too.

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

{{ performance_view(
    [
        ('channel', 'channel'),
        ('message_variant_id', "coalesce(message_variant_id, 'unknown')"),
        ('next_action', "coalesce(next_action_at_touch, 'unknown')"),
    ],
    count_warm=true,
) }}
