-- Does the score work? Per dimension and bucket (macros/performance.sql). Reason
-- codes are the ones the row left with (kept by the export), else the meeting's
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

reason_code as (
    select
        outcomes.touch_id,
        unnest(coalesce(outcomes.reason_codes_at_touch, intent.bit_reason_codes)) as code
    from outcomes
    left join {{ ref('reactivation_intent') }} as intent
        on outcomes.appointment_uid = intent.appointment_uid
),

{{ performance_view(
    [
        ('tier', "coalesce(tier_at_touch, 'unknown')"),
        ('channel', 'channel'),
        ('message_variant_id', "coalesce(message_variant_id, 'unknown')"),
    ],
    codes='reason_code',
) }}
