-- Whether each meeting may be contacted now, the first matching rule deciding
-- (docs/scoring.md): the kill switch, progressed, company_progressed,
-- superseded, stale, max_touches, replied, needs_contact_details (a person in
-- the directory with neither an email nor a LinkedIn URL), unreachable (an email bounced and no
-- LinkedIn URL), then cooling-off after the meeting or the last touch. The
-- status without the kill switch is kept beside it: the ready view applies the
-- kill switch itself at query time.

with

facts as (
    select
        meeting_key,
        appointment_uid,
        meeting_date,
        meeting_outcome,
        days_since_meeting,
        is_latest_for_prospect,
        has_company_progress_since,
        cooling_off_days,
        touches_since_meeting,
        last_touched_at,
        has_reply_on_hold,
        needs_contact_details,
        has_email_bounced,
        has_linkedin,
        is_manually_excluded,
        is_unsubscribed
    from {{ ref('int_reactivation__meeting_facts') }}
),

rules as (
    select
        meeting_key,
        appointment_uid,
        is_manually_excluded,
        is_unsubscribed,
        case
            when meeting_outcome = 'progressed' then 'progressed'
            when has_company_progress_since then 'company_progressed'
            when not is_latest_for_prospect then 'superseded'
            when days_since_meeting > {{ var('reactivation_stale_after_days') }} then 'stale'
            when
                touches_since_meeting >= {{ var('reactivation_max_touches') }}
                then 'max_touches'
            when has_reply_on_hold then 'replied'
            when needs_contact_details then 'needs_contact_details'
            when has_email_bounced and not has_linkedin then 'unreachable'
        end as rule_exclusion_reason,
        -- greatest() skips nulls: the later of the two waits wins.
        greatest(
            case
                when meeting_date + cooling_off_days > {{ lanes_as_of_date() }}
                    then (meeting_date + cooling_off_days)::timestamptz
            end,
            case
                when
                    last_touched_at
                    + interval '{{ var("reactivation_touch_cooling_days") }} days'
                    > {{ lanes_as_of_timestamp() }}
                    then
                        last_touched_at
                        + interval '{{ var("reactivation_touch_cooling_days") }} days'
            end
        ) as wait_until
    from facts
),

statuses as (
    select
        meeting_key,
        appointment_uid,
        is_manually_excluded,
        is_unsubscribed,
        rule_exclusion_reason,
        case
            when rule_exclusion_reason is not null then 'excluded'
            when wait_until is not null then 'cooling_off'
            else 'eligible'
        end as status_without_kill_switch,
        case when rule_exclusion_reason is null then wait_until end as wait_without_kill_switch
    from rules
)

select
    meeting_key,
    appointment_uid,
    case
        when is_manually_excluded then 'excluded'
        else status_without_kill_switch
    end as eligibility_status,
    case
        when is_manually_excluded and is_unsubscribed then 'unsubscribed'
        when is_manually_excluded then 'manual_exclusion'
        else rule_exclusion_reason
    end as exclusion_reason,
    case
        when not is_manually_excluded then wait_without_kill_switch
    end as cooling_off_until,
    status_without_kill_switch,
    wait_without_kill_switch
from statuses
