-- The channel and message for each meeting: the outcome's default channel
-- (reactivation_outcome_rules), switched to the other one when the last touch
-- already used it, and to the other one again when the person has no address
-- on it but has one on the other (CHANNEL_FALLBACK_<channel> says so), and to
-- LinkedIn when an email to this prospect bounced (CHANNEL_EMAIL_BOUNCED;
-- a bounced address is never the fallback, and with no LinkedIn URL either the
-- prospect is excluded as unreachable); the
-- message variant by outcome x meeting type x channel
-- (reactivation_message_variants); when the slot runs an experiment, the arm a
-- fixed hash of the prospect and the experiment picks (macros/experiments.sql).

with

facts as (
    select
        meeting_key,
        appointment_uid,
        coalesce(people_id, company_id)::text as prospect_key,
        meeting_type,
        meeting_outcome,
        default_channel,
        last_touch_channel,
        has_email,
        has_linkedin,
        has_email_bounced
    from {{ ref('int_reactivation__meeting_facts') }}
),

-- The variants of a slot (outcome x type x channel): one, or the arms of an
-- experiment, each with its slice of [0, 1) by share (macros/experiments.sql).
message_variants as (
    {{ message_variant_slots(
        ref('reactivation_message_variants'), ['meeting_outcome', 'meeting_type', 'channel']
    ) }}
),

alternated as (
    select
        meeting_key,
        appointment_uid,
        prospect_key,
        meeting_type,
        meeting_outcome,
        has_email,
        has_linkedin,
        has_email_bounced,
        case
            when last_touch_channel is null or last_touch_channel <> default_channel
                then default_channel
            when default_channel = 'email' then 'linkedin'
            else 'email'
        end as preferred_channel
    from facts
),

channels as (
    select
        meeting_key,
        appointment_uid,
        prospect_key,
        meeting_type,
        meeting_outcome,
        preferred_channel,
        has_email_bounced,
        case
            when preferred_channel = 'email' and has_email_bounced then 'linkedin'
            when preferred_channel = 'email' and not has_email and has_linkedin then 'linkedin'
            when
                preferred_channel = 'linkedin' and not has_linkedin and has_email
                and not has_email_bounced
                then 'email'
            else preferred_channel
        end as recommended_channel
    from alternated
)

select
    channels.meeting_key,
    channels.appointment_uid,
    channels.recommended_channel,
    case
        when channels.preferred_channel = 'email' and channels.has_email_bounced
            then 'CHANNEL_EMAIL_BOUNCED'
        when channels.recommended_channel <> channels.preferred_channel
            then 'CHANNEL_FALLBACK_' || upper(channels.recommended_channel)
    end as channel_reason_code,
    message_variants.message_variant_id,
    message_variants.subject as message_subject_template,
    message_variants.opening_line as message_opening_template
from channels
left join message_variants
    on
        channels.meeting_outcome = message_variants.meeting_outcome
        and channels.meeting_type = message_variants.meeting_type
        and channels.recommended_channel = message_variants.channel
        and (
            message_variants.experiment_id is null
            or {{ chosen_arm(
                experiment_bucket('channels.prospect_key', 'message_variants.experiment_id'),
                'message_variants.arm_share', 'message_variants.cumulative_share',
                'message_variants.total_share'
            ) }}
        )
