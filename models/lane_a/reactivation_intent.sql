{{
    config(
        materialized='table',
        schema='bit',
        post_hook='analyze {{ this }}',
        indexes=[
            {'columns': ['status_without_kill_switch', 'bit_score']},
        ],
    )
}}

-- The post-hook's analyze gives the ready view's planner statistics of this build.

with

appointments as (
    select
        appointment_uid,
        company_id,
        people_id,
        meeting_date,
        meeting_type,
        meeting_outcome,
        stalled_reason
    from {{ ref('stg_lane_a__appointment_history') }}
),

touches as (
    select
        touch_id,
        appointment_uid,
        channel,
        touched_at
    from {{ ref('stg_lane_a__reactivation_touches') }}
),

kill_switch as (
    select
        kill_switch_entry_id,
        scope,
        scope_key,
        kill_switch_action,
        expires_at,
        entered_at
    from {{ ref('stg_lane_a__kill_switch') }}
),

-- Bounds are text in the seed: an empty cell is NULL in the loaded seed but ''
-- when dbt unit tests read the CSV directly, and both must mean "no bound".
score_weights as (
    select
        component,
        bucket,
        nullif(min_value, '')::integer as min_value,
        nullif(max_value, '')::integer as max_value,
        points,
        reason_code
    from {{ ref('reactivation_score_weights') }}
),

reason_keywords as (
    select
        keyword,
        reason_code,
        points
    from {{ ref('reactivation_reason_keywords') }}
),

outcome_rules as (
    select
        meeting_outcome,
        cooling_off_days,
        default_channel
    from {{ ref('reactivation_outcome_rules') }}
),

message_variants as (
    select
        meeting_outcome,
        meeting_type,
        channel,
        message_variant_id
    from {{ ref('reactivation_message_variants') }}
),

-- Each prospect is the person met, or the company when no person is known.
-- Meetings on the same day are ordered by appointment_uid, so "later" is total.
meeting_history as (
    select
        appointment_uid,
        {{ lanes_as_of_date() }} - meeting_date as days_since_meeting,
        row_number() over (
            partition by coalesce(people_id::text, 'company:' || company_id::text)
            order by meeting_date asc, appointment_uid asc
        ) as meetings_to_date,
        row_number() over (
            partition by coalesce(people_id::text, 'company:' || company_id::text)
            order by meeting_date desc, appointment_uid desc
        ) = 1 as is_latest_for_prospect,
        company_id is not null and coalesce(bool_or(meeting_outcome = 'progressed') over (
            partition by company_id
            order by meeting_date desc, appointment_uid desc
            rows between unbounded preceding and 1 preceding
        ), false) as company_progressed_later
    from appointments
),

touch_counts as (
    select
        appointments.appointment_uid,
        count(*) filter (
            where touches.touched_at >= appointments.meeting_date
        ) as touches_since_meeting,
        max(touches.touched_at) as last_touched_at
    from appointments
    inner join touches
        on appointments.appointment_uid = touches.appointment_uid
    group by appointments.appointment_uid
),

last_touch as (
    select distinct on (appointment_uid)
        appointment_uid,
        channel as last_touch_channel
    from touches
    order by appointment_uid asc, touched_at desc, touch_id desc
),

active_exclusions as (
    {{ reactivation_active_exclusions('kill_switch', lanes_as_of_timestamp()) }}
),

facts as (
    select
        appointments.appointment_uid,
        appointments.people_id,
        appointments.meeting_date,
        appointments.meeting_type,
        appointments.meeting_outcome,
        meeting_history.days_since_meeting,
        meeting_history.meetings_to_date,
        meeting_history.is_latest_for_prospect,
        meeting_history.company_progressed_later,
        outcome_rules.cooling_off_days,
        outcome_rules.default_channel,
        last_touch.last_touch_channel,
        touch_counts.last_touched_at,
        coalesce(touch_counts.touches_since_meeting, 0) as touches_since_meeting,
        (
            excluded_appointment.scope_key is not null
            or excluded_person.scope_key is not null
            or excluded_company.scope_key is not null
        ) as is_manually_excluded
    from appointments
    inner join meeting_history
        on appointments.appointment_uid = meeting_history.appointment_uid
    left join outcome_rules
        on appointments.meeting_outcome = outcome_rules.meeting_outcome
    left join touch_counts
        on appointments.appointment_uid = touch_counts.appointment_uid
    left join last_touch
        on appointments.appointment_uid = last_touch.appointment_uid
    left join active_exclusions as excluded_appointment
        on
            excluded_appointment.scope = 'appointment'
            and appointments.appointment_uid = excluded_appointment.scope_key
    left join active_exclusions as excluded_person
        on
            excluded_person.scope = 'person'
            and appointments.people_id::text = excluded_person.scope_key
    left join active_exclusions as excluded_company
        on
            excluded_company.scope = 'company'
            and appointments.company_id::text = excluded_company.scope_key
),

-- One row per scoring component that applies; component_order breaks ties
-- between components of equal weight when listing reason codes.
score_components as (
    select
        facts.appointment_uid,
        score_weights.reason_code,
        score_weights.points,
        1 as component_order
    from facts
    inner join score_weights
        on
            score_weights.component = 'outcome'
            and facts.meeting_outcome = score_weights.bucket

    union all

    select
        facts.appointment_uid,
        score_weights.reason_code,
        score_weights.points,
        2 as component_order
    from facts
    inner join score_weights
        on
            score_weights.component = 'meeting_type'
            and facts.meeting_type = score_weights.bucket

    union all

    select
        facts.appointment_uid,
        score_weights.reason_code,
        score_weights.points,
        3 as component_order
    from facts
    inner join score_weights
        on
            score_weights.component = 'recency'
            and facts.days_since_meeting >= score_weights.min_value
            and (
                score_weights.max_value is null
                or facts.days_since_meeting <= score_weights.max_value
            )

    union all

    select
        appointments.appointment_uid,
        reason_keywords.reason_code,
        max(reason_keywords.points) as points,
        4 as component_order
    from appointments
    inner join reason_keywords
        on appointments.stalled_reason ~* ('\m' || reason_keywords.keyword || '\M')
    group by appointments.appointment_uid, reason_keywords.reason_code

    union all

    select
        facts.appointment_uid,
        score_weights.reason_code,
        score_weights.points,
        5 as component_order
    from facts
    inner join score_weights
        on
            score_weights.component = 'multi_meeting'
            and facts.meetings_to_date >= score_weights.min_value
            and (
                score_weights.max_value is null
                or facts.meetings_to_date <= score_weights.max_value
            )

    union all

    select
        facts.appointment_uid,
        score_weights.reason_code,
        score_weights.points,
        6 as component_order
    from facts
    inner join score_weights
        on score_weights.component = 'known_contact'
    where facts.people_id is not null

    union all

    select
        facts.appointment_uid,
        score_weights.reason_code || '_' || facts.touches_since_meeting as reason_code,
        score_weights.points * facts.touches_since_meeting as points,
        7 as component_order
    from facts
    inner join score_weights
        on score_weights.component = 'touch'
    where facts.touches_since_meeting > 0
),

scores as (
    select
        appointment_uid,
        sum(points) as raw_points,
        {{ codes_largest_first('reason_code') }} as reason_codes
    from score_components
    group by appointment_uid
),

-- Rules 2-8 first; the kill switch (rule 1) goes on top in `final`, and the
-- ready view re-applies it at query time, so a later include or expiry counts.
eligibility as (
    select
        facts.appointment_uid,
        facts.is_manually_excluded,
        case
            when facts.meeting_outcome = 'progressed' then 'progressed'
            when facts.company_progressed_later then 'company_progressed'
            when not facts.is_latest_for_prospect then 'superseded'
            when
                facts.days_since_meeting > {{ var('reactivation_stale_after_days') }}
                then 'stale'
            when
                facts.touches_since_meeting >= {{ var('reactivation_max_touches') }}
                then 'max_touches'
        end as exclusion_reason,
        -- greatest() skips nulls: the later of the two waits wins.
        greatest(
            case
                when facts.meeting_date + facts.cooling_off_days > {{ lanes_as_of_date() }}
                    then (facts.meeting_date + facts.cooling_off_days)::timestamptz
            end,
            case
                when
                    facts.last_touched_at
                    + interval '{{ var("reactivation_touch_cooling_days") }} days'
                    > {{ lanes_as_of_timestamp() }}
                    then
                        facts.last_touched_at
                        + interval '{{ var("reactivation_touch_cooling_days") }} days'
            end
        ) as cooling_off_until
    from facts
),

channels as (
    select
        appointment_uid,
        case
            when last_touch_channel is null or last_touch_channel <> default_channel
                then default_channel
            when default_channel = 'email' then 'linkedin'
            else 'email'
        end as recommended_channel
    from facts
),

final as (
    select
        md5('reactivation:' || facts.appointment_uid)::uuid as reactivation_bit_id,
        facts.appointment_uid,
        {{ clamped_score('scores.raw_points') }} as bit_score,
        coalesce(scores.reason_codes, '{}'::text[]) as bit_reason_codes,
        channels.recommended_channel::"bit".reactivation_channel_enum as recommended_channel,
        message_variants.message_variant_id,
        case
            when eligibility.is_manually_excluded then 'excluded'
            when eligibility.exclusion_reason is not null then 'excluded'
            when eligibility.cooling_off_until is not null then 'cooling_off'
            else 'eligible'
        end::"bit".eligibility_status_enum as eligibility_status,
        case
            when eligibility.is_manually_excluded then 'manual_exclusion'
            else eligibility.exclusion_reason
        end as exclusion_reason,
        case
            when not eligibility.is_manually_excluded and eligibility.exclusion_reason is null
                then eligibility.cooling_off_until
        end as cooling_off_until,
        case
            when eligibility.exclusion_reason is not null then 'excluded'
            when eligibility.cooling_off_until is not null then 'cooling_off'
            else 'eligible'
        end::"bit".eligibility_status_enum as status_without_kill_switch,
        case
            when eligibility.exclusion_reason is null then eligibility.cooling_off_until
        end as wait_without_kill_switch,
        {{ lanes_as_of_timestamp() }} as computed_at,
        facts.last_touched_at,
        facts.touches_since_meeting::integer as touches_since_meeting,
        facts.meetings_to_date::integer as meetings_to_date
    from facts
    inner join eligibility
        on facts.appointment_uid = eligibility.appointment_uid
    inner join channels
        on facts.appointment_uid = channels.appointment_uid
    left join scores
        on facts.appointment_uid = scores.appointment_uid
    left join message_variants
        on
            facts.meeting_outcome = message_variants.meeting_outcome
            and facts.meeting_type = message_variants.meeting_type
            and channels.recommended_channel = message_variants.channel
)

select
    reactivation_bit_id,
    appointment_uid,
    bit_score,
    bit_reason_codes,
    recommended_channel,
    message_variant_id,
    eligibility_status,
    exclusion_reason,
    cooling_off_until,
    computed_at,
    last_touched_at,
    touches_since_meeting,
    meetings_to_date,
    status_without_kill_switch,
    wait_without_kill_switch
from final
