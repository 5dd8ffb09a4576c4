-- One row per message that really went out (or was handed out to go), so a
-- send is counted once whichever order the export and the tool's activity
-- come in:
--   confirmed: an export handed it out (a planned touch, `--mark-touched`) and
--              the tool (or a person) reported sending it: same prospect and
--              channel, within reactivation_confirm_days of the plan. It keeps
--              the plan's score, tier, reason codes and variant and takes
--              the tool's time.
--   planned:   handed out, never confirmed. Still a touch (a person may have
--              sent it by hand): it counts for cooling-off and max touches.
--   unplanned: the tool or a person sent it with no plan (the row was not
--              exported with --mark-touched, or was sent twice).
-- Each plan is confirmed by at most one send, each send confirms at most one
-- plan (macros/sends_counted_once.sql, the same rule for both lanes).
-- Touches recorded by an export before planned touches existed (tool =
-- 'export', event = 'sent') are plans too.

with

events as (
    select
        touches.touch_id,
        touches.appointment_uid,
        coalesce(meetings.people_id, meetings.company_id) as prospect_key,
        touches.channel,
        touches.touched_at,
        touches.touch_event = 'planned'
        or (
            touches.touch_event = 'sent'
            and touches.touch_source is not distinct from 'export'
        ) as is_plan,
        touches.message_variant_id,
        touches.score_at_touch,
        touches.tier_at_touch,
        touches.reason_codes_at_touch
    from {{ ref('stg_lane_a__reactivation_touches') }} as touches
    inner join {{ ref('stg_lane_a__appointment_history') }} as meetings
        on touches.appointment_uid = meetings.appointment_uid
    where
        touches.touch_event in ('planned', 'sent')
        and touches.touched_at <= {{ lanes_as_of_timestamp() }}
),

{{ sends_counted_once(
    'events',
    'appointment_uid',
    ['tier_at_touch', 'reason_codes_at_touch'],
    var("reactivation_confirm_days")
) }}
