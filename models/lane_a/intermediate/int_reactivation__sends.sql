-- One row per message that really went out (or was handed out to go), so a
-- send is counted once whichever order the export and the tool's activity
-- come in:
--   confirmed: an export handed it out (a planned touch, `--mark-touched`) and
--              the tool (or a person) reported sending it: same prospect and
--              channel, within reactivation_confirm_days of the plan. It keeps
--              the plan's score, tier and variant and takes the tool's time.
--   planned:   handed out, never confirmed. Still a touch (a person may have
--              sent it by hand): it counts for cooling-off and max touches.
--   unplanned: the tool or a person sent it with no plan (the row was not
--              exported with --mark-touched, or was sent twice).
-- Each plan is confirmed by at most one send, each send confirms at most one
-- plan: a send takes the latest plan before it (a day's grace, since a tool's
-- date alone is read as noon UTC), and a plan keeps its first send.
-- Touches recorded by an export before planned touches existed (tool =
-- 'export', event = 'sent') are plans too.

with

events as (
    select
        touches.touch_id,
        touches.appointment_uid,
        coalesce(meetings.people_id, meetings.company_id) as prospect_id,
        touches.channel,
        touches.touched_at,
        touches.touch_event = 'planned'
        or (
            touches.touch_event = 'sent'
            and touches.touch_source is not distinct from 'export'
        ) as is_plan,
        touches.message_variant_id,
        touches.score_at_touch,
        touches.tier_at_touch
    from {{ ref('stg_lane_a__reactivation_touches') }} as touches
    inner join {{ ref('stg_lane_a__appointment_history') }} as meetings
        on touches.appointment_uid = meetings.appointment_uid
    where
        touches.touch_event in ('planned', 'sent')
        and touches.touched_at <= {{ lanes_as_of_timestamp() }}
),

plans as (
    select
        touch_id,
        appointment_uid,
        prospect_id,
        channel,
        touched_at,
        message_variant_id,
        score_at_touch,
        tier_at_touch
    from events
    where is_plan
),

tool_sends as (
    select
        touch_id,
        appointment_uid,
        prospect_id,
        channel,
        touched_at,
        message_variant_id,
        score_at_touch,
        tier_at_touch
    from events
    where not is_plan
),

-- Each send's plan: the latest one of the prospect on the channel that the
-- send can confirm.
send_plans as (
    select distinct on (tool_sends.touch_id)
        tool_sends.touch_id as send_touch_id,
        plans.touch_id as plan_touch_id,
        tool_sends.touched_at as sent_at
    from tool_sends
    inner join plans
        on
            tool_sends.prospect_id = plans.prospect_id
            and tool_sends.channel = plans.channel
            and tool_sends.touched_at >= plans.touched_at - interval '1 day'
            and tool_sends.touched_at
            <= plans.touched_at + interval '{{ var("reactivation_confirm_days") }} days'
    order by tool_sends.touch_id asc, plans.touched_at desc, plans.touch_id desc
),

confirmations as (
    select distinct on (plan_touch_id)
        plan_touch_id,
        send_touch_id,
        sent_at
    from send_plans
    order by plan_touch_id asc, sent_at asc, send_touch_id asc
)

select
    plans.touch_id as send_id,
    plans.appointment_uid,
    plans.channel,
    coalesce(confirmations.sent_at, plans.touched_at) as sent_at,
    case when confirmations.send_touch_id is null then 'planned' else 'confirmed' end
        as send_status,
    confirmations.send_touch_id as confirmed_by_touch_id,
    coalesce(plans.message_variant_id, tool_sends.message_variant_id) as message_variant_id,
    coalesce(plans.score_at_touch, tool_sends.score_at_touch) as score_at_touch,
    coalesce(plans.tier_at_touch, tool_sends.tier_at_touch) as tier_at_touch
from plans
left join confirmations
    on plans.touch_id = confirmations.plan_touch_id
left join tool_sends
    on confirmations.send_touch_id = tool_sends.touch_id

union all

select
    tool_sends.touch_id as send_id,
    tool_sends.appointment_uid,
    tool_sends.channel,
    tool_sends.touched_at as sent_at,
    'unplanned' as send_status,
    null::bigint as confirmed_by_touch_id,
    tool_sends.message_variant_id,
    tool_sends.score_at_touch,
    tool_sends.tier_at_touch
from tool_sends
where not exists (
    select 1
    from confirmations
    where confirmations.send_touch_id = tool_sends.touch_id
)
