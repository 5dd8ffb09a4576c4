{{
    config(
        materialized='table',
        schema='bit',
        post_hook='analyze {{ this }}',
        indexes=[
            {'columns': ['lifecycle_status', 'leverage_score']},
        ],
    )
}}

-- The post-hook's analyze gives the ready view's planner statistics of this build.

with

partners as (
    select
        fractional_cfo_id,
        linkedin_url,
        email,
        geography,
        niche_focus,
        partner_status
    from {{ ref('stg_lane_b__partners') }}
),

meetings as (
    select
        partner_appointment_uid,
        fractional_cfo_id,
        meeting_date,
        meeting_seq_of_day,
        meeting_type,
        meeting_outcome
    from {{ ref('stg_lane_b__partner_appointments') }}
    where meeting_date <= {{ lanes_as_of_date() }}
),

touches as (
    select
        touch_id,
        fractional_cfo_id,
        channel,
        touched_at
    from {{ ref('stg_lane_b__partner_touches') }}
    where touched_at <= {{ lanes_as_of_timestamp() }}
),

pauses as (
    select
        pause_entry_id,
        fractional_cfo_id,
        pause_action,
        entered_at
    from {{ ref('stg_lane_b__partner_pauses') }}
),

score_weights as (
    select
        component,
        bucket,
        -- Bounds are text in the seed: an empty cell is NULL in the loaded seed
        -- but '' when dbt unit tests read the CSV, and both mean "no bound".
        nullif(min_value, '')::integer as min_value,
        nullif(max_value, '')::integer as max_value,
        points,
        factor_code
    from {{ ref('partner_score_weights') }}
),

-- Fit ignores case and surrounding spaces.
target_niches as (
    select distinct lower(btrim(niche)) as niche_key
    from {{ ref('partner_target_niches') }}
),

target_regions as (
    select distinct lower(btrim(region)) as region_key
    from {{ ref('partner_target_regions') }}
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

message_variants as (
    select
        next_action,
        channel,
        message_variant_id
    from {{ ref('partner_message_variants') }}
),

-- Meetings in order per partner; several on one day are ordered by their seq.
ordered_meetings as (
    select
        fractional_cfo_id,
        meeting_date,
        meeting_type,
        meeting_outcome,
        row_number() over (
            partition by fractional_cfo_id
            order by meeting_date desc, meeting_seq_of_day desc
        ) as recency_rank
    from meetings
),

meeting_summary as (
    select
        fractional_cfo_id,
        count(*) as total_meetings,
        count(*) filter (where recency_rank > 1 and meeting_outcome = 'warm')
            as earlier_warm_meetings,
        max(meeting_date) filter (where recency_rank = 1) as last_meeting_date,
        max(meeting_type) filter (where recency_rank = 1) as last_meeting_type,
        max(meeting_outcome) filter (where recency_rank = 1) as last_meeting_outcome
    from ordered_meetings
    group by fractional_cfo_id
),

-- Touches count from the day of the last meeting; with no meeting, all count.
dated_touches as (
    select
        touches.fractional_cfo_id,
        touches.touched_at,
        coalesce(touches.touched_at >= meeting_summary.last_meeting_date, true)
            as is_since_last_meeting
    from touches
    left join meeting_summary
        on touches.fractional_cfo_id = meeting_summary.fractional_cfo_id
),

touch_summary as (
    select
        fractional_cfo_id,
        count(*) filter (where is_since_last_meeting) as touches_since_last_meeting,
        max(touched_at) as last_touched_at
    from dated_touches
    group by fractional_cfo_id
),

last_touch as (
    select distinct on (fractional_cfo_id)
        fractional_cfo_id,
        channel as last_touch_channel
    from touches
    order by fractional_cfo_id asc, touched_at desc, touch_id desc
),

paused_partners as (
    {{ partner_active_pauses('pauses', lanes_as_of_timestamp()) }}
),

facts as (
    select
        partners.fractional_cfo_id,
        partners.partner_status,
        partners.email is not null as has_email,
        partners.linkedin_url is not null as has_linkedin,
        meeting_summary.last_meeting_date,
        meeting_summary.last_meeting_type,
        meeting_summary.last_meeting_outcome,
        {{ lanes_as_of_date() }} - meeting_summary.last_meeting_date as days_since_last_meeting,
        touch_summary.last_touched_at,
        last_touch.last_touch_channel,
        paused_partners.fractional_cfo_id is not null as is_paused,
        coalesce(meeting_summary.total_meetings, 0) as total_meetings,
        coalesce(meeting_summary.earlier_warm_meetings, 0) as earlier_warm_meetings,
        coalesce(touch_summary.touches_since_last_meeting, 0) as touches_since_last_meeting,
        target_niches.niche_key is not null as is_target_niche,
        target_regions.region_key is not null as is_target_region
    from partners
    left join meeting_summary
        on partners.fractional_cfo_id = meeting_summary.fractional_cfo_id
    left join touch_summary
        on partners.fractional_cfo_id = touch_summary.fractional_cfo_id
    left join last_touch
        on partners.fractional_cfo_id = last_touch.fractional_cfo_id
    left join paused_partners
        on partners.fractional_cfo_id = paused_partners.fractional_cfo_id
    left join target_niches
        on lower(btrim(partners.niche_focus)) = target_niches.niche_key
    left join target_regions
        on lower(btrim(partners.geography)) = target_regions.region_key
),

-- One row per scoring component that applies; component_order breaks ties
-- between components of equal weight when listing the factors.
score_components as (
    select
        facts.fractional_cfo_id,
        score_weights.factor_code,
        score_weights.points,
        1 as component_order
    from facts
    inner join score_weights
        on
            score_weights.component = 'partner_status'
            and facts.partner_status = score_weights.bucket

    union all

    select
        facts.fractional_cfo_id,
        score_weights.factor_code,
        score_weights.points,
        2 as component_order
    from facts
    inner join score_weights
        on
            score_weights.component = 'last_outcome'
            and facts.last_meeting_outcome = score_weights.bucket

    union all

    select
        facts.fractional_cfo_id,
        score_weights.factor_code || '_' || facts.earlier_warm_meetings as factor_code,
        score_weights.points * least(
            facts.earlier_warm_meetings,
            coalesce(score_weights.max_value, facts.earlier_warm_meetings)
        ) as points,
        3 as component_order
    from facts
    inner join score_weights
        on
            score_weights.component = 'earlier_warm'
            and facts.earlier_warm_meetings >= coalesce(score_weights.min_value, 1)

    union all

    select
        facts.fractional_cfo_id,
        score_weights.factor_code,
        score_weights.points,
        4 as component_order
    from facts
    inner join score_weights
        on
            score_weights.component = 'recency'
            and facts.days_since_last_meeting >= score_weights.min_value
            and (
                score_weights.max_value is null
                or facts.days_since_last_meeting <= score_weights.max_value
            )

    union all

    select
        facts.fractional_cfo_id,
        score_weights.factor_code,
        score_weights.points,
        5 as component_order
    from facts
    inner join score_weights
        on score_weights.component = 'niche_fit'
    where facts.is_target_niche

    union all

    select
        facts.fractional_cfo_id,
        score_weights.factor_code,
        score_weights.points,
        6 as component_order
    from facts
    inner join score_weights
        on score_weights.component = 'geo_fit'
    where facts.is_target_region

    union all

    select
        facts.fractional_cfo_id,
        score_weights.factor_code,
        score_weights.points,
        7 as component_order
    from facts
    inner join score_weights
        on
            score_weights.component = 'reachable'
            and (
                (score_weights.bucket = 'email' and facts.has_email)
                or (score_weights.bucket = 'linkedin' and facts.has_linkedin)
            )

    union all

    select
        facts.fractional_cfo_id,
        score_weights.factor_code || '_' || facts.touches_since_last_meeting as factor_code,
        score_weights.points * facts.touches_since_last_meeting as points,
        8 as component_order
    from facts
    inner join score_weights
        on score_weights.component = 'touch'
    where facts.touches_since_last_meeting > 0
),

scores as (
    select
        fractional_cfo_id,
        sum(points) as raw_points,
        {{ codes_largest_first('factor_code') }} as leverage_factors
    from score_components
    group by fractional_cfo_id
),

lifecycle as (
    select
        fractional_cfo_id,
        -- greatest() skips nulls: the later of the two waits wins.
        greatest(
            case
                when
                    last_touched_at
                    + interval '{{ var("partner_touch_cooling_days") }} days'
                    > {{ lanes_as_of_timestamp() }}
                    then
                        last_touched_at
                        + interval '{{ var("partner_touch_cooling_days") }} days'
            end,
            case
                when
                    last_meeting_date + {{ var('partner_meeting_cooling_days') }}
                    > {{ lanes_as_of_date() }}
                    then
                        (
                            last_meeting_date + {{ var('partner_meeting_cooling_days') }}
                        )::timestamptz
            end
        ) as wait_until,
        touches_since_last_meeting >= {{ var('partner_completed_after_touches') }} as is_completed
    from facts
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

-- The preferred channel when the partner is reachable on it, else the other
-- reachable one; then switch when the last touch already used it (and the
-- partner can be reached on the other).
first_channels as (
    select
        facts.fractional_cfo_id,
        facts.has_email,
        facts.has_linkedin,
        facts.last_touch_channel,
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
),

final as (
    select
        md5('partner:' || facts.fractional_cfo_id::text)::uuid as partner_bit_id,
        facts.fractional_cfo_id,
        {{ clamped_score('scores.raw_points') }} as leverage_score,
        coalesce(scores.leverage_factors, '{}'::text[]) as leverage_factors,
        next_actions.next_action as recommended_next_action,
        channels.recommended_channel::partners.partner_channel_enum as recommended_channel,
        message_variants.message_variant_id,
        case
            when facts.is_paused then 'paused'
            when lifecycle.is_completed then 'completed'
            when lifecycle.wait_until is not null then 'pending'
            else 'active'
        end as status,
        case
            when lifecycle.is_completed then 'completed'
            when lifecycle.wait_until is not null then 'pending'
            else 'active'
        end as lifecycle_status,
        case when not lifecycle.is_completed then lifecycle.wait_until end as cooling_off_until,
        facts.last_touched_at,
        {{ lanes_as_of_timestamp() }} as computed_at,
        facts.last_meeting_date,
        facts.last_meeting_type,
        facts.last_meeting_outcome,
        facts.total_meetings::integer as total_meetings,
        facts.earlier_warm_meetings::integer as earlier_warm_meetings,
        facts.touches_since_last_meeting::integer as touches_since_last_meeting
    from facts
    inner join lifecycle
        on facts.fractional_cfo_id = lifecycle.fractional_cfo_id
    left join scores
        on facts.fractional_cfo_id = scores.fractional_cfo_id
    left join next_actions
        on facts.fractional_cfo_id = next_actions.fractional_cfo_id
    left join channels
        on facts.fractional_cfo_id = channels.fractional_cfo_id
    left join message_variants
        on
            next_actions.next_action = message_variants.next_action
            and channels.recommended_channel = message_variants.channel
)

select
    partner_bit_id,
    fractional_cfo_id,
    leverage_score,
    leverage_factors,
    recommended_next_action,
    recommended_channel,
    message_variant_id,
    status,
    lifecycle_status,
    cooling_off_until,
    last_touched_at,
    computed_at,
    last_meeting_date,
    last_meeting_type,
    last_meeting_outcome,
    total_meetings,
    earlier_warm_meetings,
    touches_since_last_meeting
from final
