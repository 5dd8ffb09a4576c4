{#-
    One row per message that really went out, the same rule for both lanes: the
    CTEs and the final select of int_reactivation__sends / int_partner__sends, from
    the lane's `events` relation (touch_id, <subject>, prospect_key, channel,
    touched_at, is_plan, message_variant_id, score_at_touch, and each of
    <at_touch_columns>: what else a row left with, e.g. its tier and reason codes; planned
    and sent touches only).

    A tool's (or a person's) send for the same prospect and channel within
    `confirm_days` of a plan confirms it: one send, with the plan's score,
    at-touch values and variant and the tool's time. Usually the send comes after
    the plan; it may come before it (the file was handed to the tool before the
    export was marked, or a history is replayed), so the window runs both ways,
    and what comes after is preferred (a day's grace: a date alone is read as
    noon UTC). Each plan is confirmed by at most one send and each send confirms
    at most one plan: a send takes the latest plan before it, else the first one
    after it; a plan keeps its first send after it, else the last one before it.
    A plan nobody confirms is still a send (planned); a send with no plan is one
    too (unplanned).
-#}
{% macro sends_counted_once(events, subject, at_touch_columns, confirm_days) -%}
{%- set event_columns = [
    'touch_id', subject, 'prospect_key', 'channel', 'touched_at', 'message_variant_id',
    'score_at_touch',
] + at_touch_columns -%}
plans as (
    select
        {{ event_columns | join(',\n        ') }}
    from {{ events }}
    where is_plan
),

tool_sends as (
    select
        {{ event_columns | join(',\n        ') }}
    from {{ events }}
    where not is_plan
),

-- Every (send, plan) of the prospect on the channel within the window, and
-- whether the send comes after the plan (with a day's grace).
candidate_pairs as (
    select
        tool_sends.touch_id as send_touch_id,
        plans.touch_id as plan_touch_id,
        tool_sends.touched_at as sent_at,
        plans.touched_at as planned_at,
        tool_sends.touched_at >= plans.touched_at - interval '1 day' as sent_after_plan
    from tool_sends
    inner join plans
        on
            tool_sends.prospect_key = plans.prospect_key
            and tool_sends.channel = plans.channel
            and tool_sends.touched_at >= plans.touched_at - interval '{{ confirm_days }} days'
            and tool_sends.touched_at <= plans.touched_at + interval '{{ confirm_days }} days'
),

-- Each send's plan: the latest one before it, else the first one after it.
send_plans as (
    select distinct on (send_touch_id)
        send_touch_id,
        plan_touch_id,
        sent_at,
        sent_after_plan
    from candidate_pairs
    order by
        send_touch_id asc,
        sent_after_plan desc,
        case when sent_after_plan then planned_at end desc,
        planned_at asc,
        plan_touch_id desc
),

-- Each plan's send: the first one after it, else the last one before it.
confirmations as (
    select distinct on (plan_touch_id)
        plan_touch_id,
        send_touch_id,
        sent_at
    from send_plans
    order by
        plan_touch_id asc,
        sent_after_plan desc,
        case when sent_after_plan then sent_at end asc,
        sent_at desc,
        send_touch_id asc
)

select
    plans.touch_id as send_id,
    plans.{{ subject }},
    plans.channel,
    coalesce(confirmations.sent_at, plans.touched_at) as sent_at,
    case when confirmations.send_touch_id is null then 'planned' else 'confirmed' end
        as send_status,
    confirmations.send_touch_id as confirmed_by_touch_id,
    coalesce(plans.message_variant_id, tool_sends.message_variant_id) as message_variant_id,
    coalesce(plans.score_at_touch, tool_sends.score_at_touch) as score_at_touch,
    {%- for column in at_touch_columns %}
    coalesce(plans.{{ column }}, tool_sends.{{ column }}) as {{ column }}
    {{- "," if not loop.last }}
    {%- endfor %}
from plans
left join confirmations
    on plans.touch_id = confirmations.plan_touch_id
left join tool_sends
    on confirmations.send_touch_id = tool_sends.touch_id

union all

select
    tool_sends.touch_id as send_id,
    tool_sends.{{ subject }},
    tool_sends.channel,
    tool_sends.touched_at as sent_at,
    'unplanned' as send_status,
    null::bigint as confirmed_by_touch_id,
    tool_sends.message_variant_id,
    tool_sends.score_at_touch,
    {%- for column in at_touch_columns %}
    tool_sends.{{ column }}{{ "," if not loop.last }}
    {%- endfor %}
from tool_sends
where not exists (
    select 1
    from confirmations
    where confirmations.send_touch_id = tool_sends.touch_id
)
{%- endmacro %}
