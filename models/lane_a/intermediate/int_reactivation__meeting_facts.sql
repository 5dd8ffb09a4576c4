{{
    config(
        materialized='table',
        post_hook='analyze {{ this }}',
    )
}}

-- A table, not a view: three steps read it, and as a view its window
-- functions would run once per step (about +25% build time at 1M meetings).
-- Rebuilding it keeps the views that read it (macros/materializations/).
--
-- One row per meeting with everything the scoring rules read: where the
-- meeting stands in the prospect's history, the touches since, the outcome's
-- wait and channel, whether the person can be reached by email or LinkedIn,
-- and whether the kill switch excludes it.
-- The as-of rule lives here and only here: meetings, revisions, touches and
-- kill-switch entries after the as-of moment do not exist for the score.

with

-- A CRM re-export may revise a stored meeting's outcome, stalled reason or
-- type: the latest revision loaded by the as-of moment is the meeting as it
-- stands (the meeting row itself is write-once).
latest_revisions as (
    {{ latest_revisions(
        ref('stg_lane_a__appointment_revisions'),
        'appointment_uid',
        ['meeting_type', 'meeting_outcome', 'stalled_reason'],
    ) }}
),

appointments as (
    select
        meetings.appointment_uid,
        meetings.company_id,
        meetings.people_id,
        meetings.meeting_date,
        coalesce(latest_revisions.meeting_type, meetings.meeting_type) as meeting_type,
        coalesce(latest_revisions.meeting_outcome, meetings.meeting_outcome)
            as meeting_outcome,
        case
            when latest_revisions.appointment_uid is null then meetings.stalled_reason
            else latest_revisions.stalled_reason
        end as stalled_reason,
        latest_revisions.appointment_uid is not null as is_revised,
        meetings.outreach_id,
        meetings.source_record_id,
        meetings.appointment_source
    from {{ ref('stg_lane_a__appointment_history') }} as meetings
    left join latest_revisions
        on meetings.appointment_uid = latest_revisions.appointment_uid
    where meetings.meeting_date <= {{ lanes_as_of_date() }}
),

outreach_events as (
    {{ touch_events_as_of(ref('stg_lane_a__reactivation_touches'), 'appointment_uid') }}
),

-- Only a message that went out is a touch (cooling-off, max touches, the
-- per-touch penalty, channel alternation), counted once: a planned touch and
-- the tool's send that confirms it are one send (int_reactivation__sends).
-- Replies, bounces and unsubscribes are what came back.
touches as (
    {{ sends_as_touches(ref('int_reactivation__sends'), 'appointment_uid') }}
),

-- What came back belongs to the prospect (the person, else the company), not
-- only to the meeting the tool's row named: a reply or a dead address holds for
-- every meeting of theirs. Person and company ids are both uuids, never equal.
prospect_events as (
    select
        coalesce(meetings.people_id, meetings.company_id) as prospect_id,
        outreach_events.channel,
        outreach_events.touch_event,
        outreach_events.touched_at
    from outreach_events
    inner join {{ ref('stg_lane_a__appointment_history') }} as meetings
        on outreach_events.appointment_uid = meetings.appointment_uid
    where outreach_events.touch_event in ('replied', 'bounced')
),

replies as (
    {{ latest_replies('prospect_events', 'prospect_id') }}
),

-- A bounce holds until a later file brings the person a new email.
email_bounces as (
    {{ live_email_bounces(
        'prospect_events', 'prospect_id', ref('stg_lane_a__prospect_people'), 'people_id'
    ) }}
),

kill_switch as (
    select
        kill_switch_entry_id,
        scope,
        scope_key,
        kill_switch_action,
        kill_switch_cause,
        expires_at,
        entered_at
    from {{ ref('stg_lane_a__kill_switch') }}
),

people as (
    select
        people_id,
        email,
        linkedin_url
    from {{ ref('stg_lane_a__prospect_people') }}
),

outcome_rules as (
    select
        meeting_outcome,
        cooling_off_days,
        default_channel
    from {{ ref('reactivation_outcome_rules') }}
),

-- A prospect is the person met, or the company when no person is known.
-- Same-day meetings of one prospect are ordered by appointment_uid, so
-- "later" is total and one meeting per prospect stays in play. The windows run
-- on the meeting rows themselves (no join back by key), and both prospect
-- windows share one sort: the latest meeting is the one whose place equals
-- the prospect's count. A prospect is keyed by uuids, not by a text label,
-- because uuids sort several times faster.
appointments_in_history as (
    select
        appointment_uid,
        company_id,
        people_id,
        meeting_date,
        meeting_type,
        meeting_outcome,
        stalled_reason,
        is_revised,
        outreach_id,
        source_record_id,
        appointment_source,
        -- The steps join and group on this integer, not on the 80-character
        -- uid: at 1M meetings that is seconds per sort. It follows the sort the
        -- prospect windows need anyway, so it costs no sort of its own.
        row_number() over (
            order by
                people_id asc,
                case when people_id is null then company_id end asc,
                meeting_date asc,
                appointment_uid asc
        ) as meeting_key,
        row_number() over prospect_in_order as meetings_to_date,
        row_number() over prospect_in_order
        = count(*) over prospect as is_latest_for_prospect,
        -- Progressed meetings of the company on this day or later (peers
        -- included, whatever their ids), less this meeting itself.
        company_id is not null
        and count(*) filter (where meeting_outcome = 'progressed') over (
            partition by company_id
            order by meeting_date asc
            range between current row and unbounded following
        ) - (meeting_outcome = 'progressed')::integer > 0 as has_company_progress_since
    from appointments
    window
        prospect as (
            partition by people_id, case when people_id is null then company_id end
        ),
        prospect_in_order as (
            prospect order by meeting_date asc, appointment_uid asc
        )
),

-- A touch's meeting date comes from the staged meeting itself: a meeting after
-- the as-of moment has no row in appointments, so its summary joins to nothing.
touch_summary as (
    {{ touch_summary(
        'touches', 'appointment_uid', ref('stg_lane_a__appointment_history'), 'meeting_date'
    ) }}
),

last_touch as (
    {{ last_touch_channel('touches', 'appointment_uid') }}
),

active_exclusions as (
    {{ reactivation_active_exclusions('kill_switch', lanes_as_of_timestamp()) }}
)

select
    appointments_in_history.meeting_key,
    appointments_in_history.appointment_uid,
    appointments_in_history.company_id,
    appointments_in_history.people_id,
    appointments_in_history.meeting_date,
    appointments_in_history.meeting_type,
    appointments_in_history.meeting_outcome,
    appointments_in_history.stalled_reason,
    appointments_in_history.is_revised,
    appointments_in_history.outreach_id,
    appointments_in_history.source_record_id,
    appointments_in_history.appointment_source,
    {{ lanes_as_of_date() }} - appointments_in_history.meeting_date as days_since_meeting,
    appointments_in_history.meetings_to_date::integer as meetings_to_date,
    appointments_in_history.is_latest_for_prospect,
    appointments_in_history.has_company_progress_since,
    outcome_rules.cooling_off_days,
    outcome_rules.default_channel,
    coalesce(touch_summary.touches_since, 0)::integer as touches_since_meeting,
    touch_summary.last_touched_at,
    last_touch.last_touch_channel,
    people.email is not null as has_email,
    people.linkedin_url is not null as has_linkedin,
    -- A person the directory knows with neither address: nobody can write to them. A
    -- meeting named by ids alone (no directory row) keeps its contact details elsewhere.
    coalesce(
        people.people_id is not null
        and people.email is null
        and people.linkedin_url is null,
        false
    ) as needs_contact_details,
    email_bounces.prospect_id is not null as has_email_bounced,
    -- A reply on or after this meeting's day holds the prospect for
    -- reactivation_replied_hold_days; a meeting stored after it starts afresh.
    coalesce(
        replies.last_replied_at::date >= appointments_in_history.meeting_date
        and replies.last_replied_at
        > {{ lanes_as_of_timestamp() }}
        - interval '{{ var("reactivation_replied_hold_days") }} days',
        false
    ) as has_reply_on_hold,
    (
        excluded_appointment.scope_key is not null
        or excluded_person.scope_key is not null
        or excluded_company.scope_key is not null
    ) as is_manually_excluded,
    -- The person asked to stop (an unsubscribe read from a tool), not a choice of ours.
    coalesce(
        excluded_appointment.kill_switch_cause = 'unsubscribed'
        or excluded_person.kill_switch_cause = 'unsubscribed'
        or excluded_company.kill_switch_cause = 'unsubscribed',
        false
    ) as is_unsubscribed
from appointments_in_history
left join people
    on appointments_in_history.people_id = people.people_id
left join outcome_rules
    on appointments_in_history.meeting_outcome = outcome_rules.meeting_outcome
left join touch_summary
    on appointments_in_history.appointment_uid = touch_summary.appointment_uid
left join last_touch
    on appointments_in_history.appointment_uid = last_touch.appointment_uid
left join email_bounces
    on
        email_bounces.prospect_id
        = coalesce(appointments_in_history.people_id, appointments_in_history.company_id)
left join replies
    on
        replies.prospect_id
        = coalesce(appointments_in_history.people_id, appointments_in_history.company_id)
left join active_exclusions as excluded_appointment
    on
        excluded_appointment.scope = 'appointment'
        and appointments_in_history.appointment_uid = excluded_appointment.scope_key
left join active_exclusions as excluded_person
    on
        excluded_person.scope = 'person'
        and appointments_in_history.people_id::text = excluded_person.scope_key
left join active_exclusions as excluded_company
    on
        excluded_company.scope = 'company'
        and appointments_in_history.company_id::text = excluded_company.scope_key
