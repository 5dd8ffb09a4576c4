{#-
    Message experiments, the same for both lanes.

    experiment_bucket(prospect, experiment): where a prospect falls in [0, 1) for one
    experiment, from a fixed hash of the two (the first 32 bits of md5): the same
    prospect gets the same arm in every build and every export, and prospects spread
    evenly, so arms get their shares.

    chosen_arm(bucket, share, cumulative_share, total_share): true for the one arm of
    a slot whose slice of [0, 1) holds the bucket (a slot without an experiment has
    one variant, which takes all of it).
-#}
{% macro experiment_bucket(prospect, experiment) -%}
    (('x' || substr(md5({{ prospect }} || ':' || coalesce({{ experiment }}, '')), 1, 8))::bit(32)::bigint
    / 4294967296.0)
{%- endmacro %}

{#-
    in_holdout(prospect, share): true for the prospects of the random holdout (docs/
    scoring.md, "What outreach adds"): a fixed hash of the prospect alone, so the same
    person is on the same side in every build, export and week; `share` of them.
-#}
{% macro in_holdout(prospect, share) -%}
    ({{ experiment_bucket(prospect, "'holdout'") }} < {{ share }})
{%- endmacro %}

{% macro chosen_arm(bucket, share, cumulative_share, total_share) -%}
    (
        {{ total_share }} > 0
        and {{ bucket }} * {{ total_share }} >= {{ cumulative_share }} - {{ share }}
        and {{ bucket }} * {{ total_share }} < {{ cumulative_share }}
    )
{%- endmacro %}

{#-
    The rows of a lane's experiments view, from `arms` (experiment_id,
    message_variant_id, sends, replies, meetings: one row per arm). The rule, fixed
    before the data and valid however often it is read (macros/sequential.sql): each
    arm is compared with the control (the experiment's lowest message_variant_id) on
    the meeting rate by the mixture SPRT, mixing N(0, min_lift²) over the difference;
    its always-valid p-values are corrected across the experiment's arms by Holm's
    method at alpha 0.05, and the always-valid interval of the difference is at
    0.05 / (arms - 1) (Bonferroni). No winner before `min_sends` sends per arm. Verdicts:
    winner / loser (Holm p < 0.05), stop (the interval lies within ±min_lift: no lift
    worth the sends), else no difference yet, with the sends per arm after which a lift
    of min_lift is declared 4 times in 5.
-#}
{% macro experiment_rows(arms, min_sends, min_lift) -%}
{%- set arm_columns = [
    'experiment_id', 'message_variant_id', 'sends', 'replies', 'meetings',
    'control_variant_id', 'control_sends', 'control_meetings', 'arms_in_experiment',
] -%}
{%- set tau2 = '(' ~ min_lift ~ ')^2' -%}
with_control as (
    select
        arms.experiment_id,
        arms.message_variant_id,
        arms.sends,
        arms.replies,
        arms.meetings,
        first_value(arms.message_variant_id) over experiment as control_variant_id,
        first_value(arms.sends) over experiment as control_sends,
        first_value(arms.meetings) over experiment as control_meetings,
        count(*) over experiment as arms_in_experiment
    from {{ arms }} as arms
    window experiment as (
        partition by arms.experiment_id order by arms.message_variant_id
        rows between unbounded preceding and unbounded following
    )
),

tested as (
    select
        {{ arm_columns | join(',\n        ') }},
        message_variant_id = control_variant_id as is_control,
        sends >= {{ min_sends }} and control_sends >= {{ min_sends }} as has_enough_sends,
        meetings::numeric / nullif(sends, 0) - control_meetings::numeric / nullif(control_sends, 0)
            as lift,
        {{ difference_variance('meetings', 'sends', 'control_meetings', 'control_sends') }}
            as lift_variance,
        0.05 / greatest(arms_in_experiment - 1, 1) as interval_alpha
    from with_control
),

p_values as (
    select
        tested.*,
        case
            when not is_control and has_enough_sends
                then {{ always_valid_p('lift', 'lift_variance', tau2) }}
        end as p_value,
        case
            when not is_control
                then {{ always_valid_half_width('lift_variance', tau2, 'interval_alpha') }}
        end as half_width
    from tested
),

ranked as (
    select
        p_values.*,
        count(p_value) over (partition by experiment_id) as tests,
        row_number() over (
            partition by experiment_id order by p_value asc nulls last, message_variant_id
        ) as test_rank
    from p_values
),

-- Holm: the k-th smallest p-value times (tests - k + 1), never below an earlier one.
holm as (
    select
        ranked.*,
        case when p_value is not null then max(least(1, p_value * (tests - test_rank + 1))) over (
            partition by experiment_id order by p_value asc nulls last, message_variant_id
            rows between unbounded preceding and current row
        ) end as adjusted_p_value,
        greatest((control_meetings + 1)::float8 / (control_sends + 2), 0.01) as base_rate
    from ranked
),

-- Worked out once per level (experiments of as many arms share it), not per arm.
decision as (
    select
        levels.interval_alpha,
        {{ always_valid_decision_variance(min_lift, tau2, 'levels.interval_alpha') }}
            as decision_variance
    from (select distinct interval_alpha from holm) as levels
),

needed as (
    select
        holm.*,
        ceil((
            base_rate * (1 - base_rate)
            + (base_rate + {{ min_lift }}) * (1 - base_rate - {{ min_lift }})
        ) / decision.decision_variance)::integer as sends_needed
    from holm
    left join decision on holm.interval_alpha = decision.interval_alpha
)

select
    experiment_id || ':' || message_variant_id as arm_id,
    experiment_id,
    message_variant_id,
    is_control,
    sends::integer as sends,
    replies::integer as replies,
    meetings::integer as meetings,
    round(replies::numeric / nullif(sends, 0), 4) as reply_rate,
    round(meetings::numeric / nullif(sends, 0), 4) as meeting_rate,
    {{ wilson_low('meetings', 'sends') }} as meeting_rate_low,
    {{ wilson_high('meetings', 'sends') }} as meeting_rate_high,
    round(lift::numeric, 4) as lift_over_control,
    round((lift - half_width)::numeric, 4) as diff_low,
    round((lift + half_width)::numeric, 4) as diff_high,
    round(p_value::numeric, 4) as p_value,
    round(adjusted_p_value::numeric, 4) as holm_p_value,
    case when not is_control then sends_needed end as sends_needed,
    case
        when is_control then 'control'
        when has_enough_sends and adjusted_p_value < 0.05 and lift > 0
            then format('winner: better than %s', control_variant_id)
        when has_enough_sends and adjusted_p_value < 0.05 and lift < 0
            then format('loser: worse than %s', control_variant_id)
        when has_enough_sends and lift - half_width > -{{ min_lift }}
            and lift + half_width < {{ min_lift }}
            then format(
                'stop: no lift of %s points or more over %s, or none worth the sends',
                round(100 * {{ min_lift }}), control_variant_id
            )
        else format(
            'no difference yet: about %s more sends per arm to see a lift of %s points',
            greatest(0, coalesce(sends_needed, 0) - least(sends, control_sends))::integer,
            round(100 * {{ min_lift }})
        )
    end as verdict
from needed
{%- endmacro %}


{#-
    A lane's experiments view: the arms of its message-variants seed (variants that
    share a slot and an experiment_id), each with its sends (each counted once, from
    the lane's outcomes model), replies and meetings, and the verdict rows of
    experiment_rows.
-#}
{% macro experiments_view(variants, outcomes, min_sends, min_lift) -%}

    with

    variants as (
        select
            message_variant_id,
            nullif(btrim(experiment_id), '') as experiment_id
        from {{ variants }}
        where nullif(btrim(experiment_id), '') is not null
    ),

    outcomes as (
        select
            touch_id,
            message_variant_id,
            replied,
            met_again
        from {{ outcomes }}
    ),

    arms as (
        select
            variants.experiment_id,
            variants.message_variant_id,
            count(outcomes.touch_id) as sends,
            count(outcomes.touch_id) filter (where outcomes.replied) as replies,
            count(outcomes.touch_id) filter (where outcomes.met_again) as meetings
        from variants
        left join outcomes
            on variants.message_variant_id = outcomes.message_variant_id
        group by variants.experiment_id, variants.message_variant_id
    ),

    {{ experiment_rows('arms', min_sends, min_lift) }}
{%- endmacro %}

{#-
    The variants of each message slot (the `slot` columns: outcome x type x channel,
    next action x channel): one, or the arms of an experiment, each with its slice of
    [0, 1) by share (arm_share, cumulative_share, total_share for chosen_arm).
-#}
{% macro message_variant_slots(variants, slot) -%}
    select
        {%- for column in slot %}
        {{ column }},
        {%- endfor %}
        message_variant_id,
        nullif(subject, '') as subject,
        opening_line,
        nullif(btrim(experiment_id), '') as experiment_id,
        coalesce(nullif(btrim(share), '')::numeric, 1) as arm_share,
        sum(coalesce(nullif(btrim(share), '')::numeric, 1)) over variant_slot as total_share,
        sum(coalesce(nullif(btrim(share), '')::numeric, 1)) over (
            variant_slot
            order by message_variant_id
            rows between unbounded preceding and current row
        ) as cumulative_share
    from {{ variants }}
    window variant_slot as (partition by {{ slot | join(', ') }})
{%- endmacro %}
