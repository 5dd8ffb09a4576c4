-- What to do next with each partner and how: the first matching rule of
-- partner_next_action_rules gives the action and its preferred channel; the
-- channel falls back to the one the partner can be reached on, and switches
-- when the last touch already used it (if the other one is reachable); the
-- message variant follows action x channel (partner_message_variants).

with

facts as (
    select
        fractional_cfo_id,
        partner_status,
        has_email,
        has_linkedin,
        total_meetings,
        last_meeting_type,
        last_meeting_outcome,
        last_touch_channel
    from {{ ref('int_partner__partner_facts') }}
),

next_action_rules as (
    select
        rule_order,
        has_meeting,
        last_outcome,
        last_meeting_type,
        partner_status,
        next_action,
        preferred_channel
    from {{ ref('partner_next_action_rules') }}
),

-- The variants of a slot (next action x channel): one, or the arms of an
-- experiment, each with its slice of [0, 1) by share (macros/experiments.sql).
message_variants as (
    {{ message_variant_slots(ref('partner_message_variants'), ['next_action', 'channel']) }}
),

next_actions as (
    select distinct on (facts.fractional_cfo_id)
        facts.fractional_cfo_id,
        next_action_rules.next_action,
        next_action_rules.preferred_channel
    from facts
    inner join next_action_rules
        on
            next_action_rules.has_meeting
            = case when facts.total_meetings > 0 then 'yes' else 'no' end
            and next_action_rules.last_outcome in ('any', facts.last_meeting_outcome)
            and next_action_rules.last_meeting_type in ('any', facts.last_meeting_type)
            and (
                next_action_rules.partner_status = 'any'
                or (
                    next_action_rules.partner_status = 'partner'
                    and facts.partner_status = 'partner'
                )
                or (
                    next_action_rules.partner_status = 'not_partner'
                    and facts.partner_status <> 'partner'
                )
            )
    order by facts.fractional_cfo_id asc, next_action_rules.rule_order asc
),

first_channels as (
    select
        facts.fractional_cfo_id,
        facts.has_email,
        facts.has_linkedin,
        facts.last_touch_channel,
        next_actions.next_action,
        case
            when next_actions.preferred_channel = 'linkedin' and facts.has_linkedin
                then 'linkedin'
            when next_actions.preferred_channel = 'email' and facts.has_email
                then 'email'
            when facts.has_email then 'email'
            when facts.has_linkedin then 'linkedin'
            else next_actions.preferred_channel
        end as first_channel
    from facts
    inner join next_actions
        on facts.fractional_cfo_id = next_actions.fractional_cfo_id
),

channels as (
    select
        fractional_cfo_id,
        next_action,
        case
            when
                last_touch_channel = first_channel
                and first_channel = 'email'
                and has_linkedin
                then 'linkedin'
            when
                last_touch_channel = first_channel
                and first_channel = 'linkedin'
                and has_email
                then 'email'
            else first_channel
        end as recommended_channel
    from first_channels
)

select
    channels.fractional_cfo_id,
    channels.next_action as recommended_next_action,
    channels.recommended_channel,
    message_variants.message_variant_id,
    message_variants.subject as message_subject_template,
    message_variants.opening_line as message_opening_template
from channels
left join message_variants
    on
        channels.next_action = message_variants.next_action
        and channels.recommended_channel = message_variants.channel
        and (
            message_variants.experiment_id is null
            or {{ chosen_arm(
                experiment_bucket(
                    'channels.fractional_cfo_id::text', 'message_variants.experiment_id'
                ),
                'message_variants.arm_share', 'message_variants.cumulative_share',
                'message_variants.total_share'
            ) }}
        )
