-- The channel and message for each meeting: the outcome's default channel
-- (reactivation_outcome_rules), switched to the other one when the last touch
-- already used it; the message variant by outcome x meeting type x channel
-- (reactivation_message_variants).

with

facts as (
    select
        appointment_uid,
        meeting_type,
        meeting_outcome,
        default_channel,
        last_touch_channel
    from {{ ref('int_reactivation__meeting_facts') }}
),

message_variants as (
    select
        meeting_outcome,
        meeting_type,
        channel,
        message_variant_id
    from {{ ref('reactivation_message_variants') }}
),

channels as (
    select
        appointment_uid,
        meeting_type,
        meeting_outcome,
        case
            when last_touch_channel is null or last_touch_channel <> default_channel
                then default_channel
            when default_channel = 'email' then 'linkedin'
            else 'email'
        end as recommended_channel
    from facts
)

select
    channels.appointment_uid,
    channels.recommended_channel,
    message_variants.message_variant_id
from channels
left join message_variants
    on
        channels.meeting_outcome = message_variants.meeting_outcome
        and channels.meeting_type = message_variants.meeting_type
        and channels.recommended_channel = message_variants.channel
