-- One row per partner with everything Lane B's rules read: the partner's
-- status and reachability, the meetings (last one, earlier warm ones), the
-- touches since the last meeting, whether a pause is in force, and the niche
-- and region fit. The as-of rule lives here and only here: meetings, revisions,
-- touches and pause entries after the as-of moment do not exist for the score.

with

partners as (
    select
        fractional_cfo_id,
        linkedin_url,
        email,
        email_changed_at,
        geography,
        niche_focus,
        partner_status
    from {{ ref('stg_lane_b__partners') }}
),

-- Meetings as they stand (the latest revision of each, int_partner__meetings).
meetings as (
    select * from {{ ref('int_partner__meetings') }}
    where meeting_date <= {{ lanes_as_of_date() }}
),

outreach_events as (
    {{ touch_events_as_of(ref('stg_lane_b__partner_touches'), 'fractional_cfo_id') }}
),

-- Only a message that went out is a touch, counted once: a planned touch and
-- the tool's send that confirms it are one send (int_partner__sends). Replies,
-- bounces and unsubscribes are what came back.
touches as (
    {{ sends_as_touches(ref('int_partner__sends'), 'fractional_cfo_id') }}
),

-- An email that bounced is no address: the next action goes to LinkedIn -
-- until a later file brings the partner a new email (a bounce before the
-- change was for the old address).
email_bounces as (
    {{ live_email_bounces(
        'outreach_events', 'fractional_cfo_id', 'partners', 'fractional_cfo_id'
    ) }}
),

-- The partner answered: a person takes it from here (the latest reply).
replies as (
    {{ latest_replies('outreach_events', 'fractional_cfo_id') }}
),

pauses as (
    select
        pause_entry_id,
        fractional_cfo_id,
        pause_action,
        pause_cause,
        entered_at
    from {{ ref('stg_lane_b__partner_pauses') }}
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

-- Several meetings on one day are ordered by their seq.
ordered_meetings as (
    select
        fractional_cfo_id,
        meeting_date,
        meeting_type,
        meeting_outcome,
        is_revised,
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
        max(meeting_outcome) filter (where recency_rank = 1) as last_meeting_outcome,
        coalesce(bool_or(is_revised) filter (where recency_rank = 1), false)
            as is_last_meeting_revised
    from ordered_meetings
    group by fractional_cfo_id
),

-- Touches count from the day of the last meeting; with no meeting, all count.
touch_summary as (
    {{ touch_summary('touches', 'fractional_cfo_id', 'meeting_summary', 'last_meeting_date') }}
),

last_touch as (
    {{ last_touch_channel('touches', 'fractional_cfo_id') }}
),

paused_partners as (
    {{ partner_active_pauses('pauses', lanes_as_of_timestamp()) }}
)

select
    partners.fractional_cfo_id,
    partners.partner_status,
    partners.email is not null and email_bounces.fractional_cfo_id is null as has_email,
    partners.linkedin_url is not null as has_linkedin,
    meeting_summary.last_meeting_date,
    meeting_summary.last_meeting_type,
    meeting_summary.last_meeting_outcome,
    coalesce(meeting_summary.is_last_meeting_revised, false) as is_last_meeting_revised,
    {{ lanes_as_of_date() }} - meeting_summary.last_meeting_date as days_since_last_meeting,
    coalesce(meeting_summary.total_meetings, 0)::integer as total_meetings,
    coalesce(meeting_summary.earlier_warm_meetings, 0)::integer as earlier_warm_meetings,
    coalesce(touch_summary.touches_since, 0)::integer as touches_since_last_meeting,
    touch_summary.last_touched_at,
    last_touch.last_touch_channel,
    paused_partners.fractional_cfo_id is not null as is_paused,
    -- A reply on or after the last meeting's day (any, when never met) holds the
    -- partner for partner_replied_hold_days; a meeting stored after it starts afresh.
    coalesce(
        (
            replies.last_replied_at::date >= meeting_summary.last_meeting_date
            or meeting_summary.last_meeting_date is null
        )
        and replies.last_replied_at
        > {{ lanes_as_of_timestamp() }}
        - interval '{{ var("partner_replied_hold_days") }} days',
        false
    ) as has_reply_on_hold,
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
left join email_bounces
    on partners.fractional_cfo_id = email_bounces.fractional_cfo_id
left join replies
    on partners.fractional_cfo_id = replies.fractional_cfo_id
left join target_niches
    on lower(btrim(partners.niche_focus)) = target_niches.niche_key
left join target_regions
    on lower(btrim(partners.geography)) = target_regions.region_key
