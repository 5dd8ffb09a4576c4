-- One row per message to a partner that really went out (or was handed out to
-- go), so a send is counted once whichever order the export and the tool's
-- activity come in:
--   confirmed: an export handed it out (a planned touch, `--mark-touched`) and
--              the tool (or a person) reported sending it on the same channel
--              within partner_confirm_days of the plan. It keeps the plan's
--              score, next action, factors and variant and takes the
--              tool's time.
--   planned:   handed out, never confirmed. Still a touch (a person may have
--              sent it by hand).
--   unplanned: the tool or a person sent it with no plan.
-- Each plan is confirmed by at most one send, each send confirms at most one
-- plan (macros/sends_counted_once.sql, the same rule for both lanes). Touches
-- an export recorded before planned touches existed (tool = 'export', event =
-- 'sent') are plans too.

with

events as (
    select
        touch_id,
        fractional_cfo_id,
        fractional_cfo_id as prospect_key,
        channel,
        touched_at,
        touch_event = 'planned'
        or (touch_event = 'sent' and touch_source is not distinct from 'export') as is_plan,
        message_variant_id,
        score_at_touch,
        next_action_at_touch,
        factors_at_touch
    from {{ ref('stg_lane_b__partner_touches') }}
    where
        touch_event in ('planned', 'sent')
        and touched_at <= {{ lanes_as_of_timestamp() }}
),

{{ sends_counted_once(
    'events',
    'fractional_cfo_id',
    ['next_action_at_touch', 'factors_at_touch'],
    var("partner_confirm_days")
) }}
