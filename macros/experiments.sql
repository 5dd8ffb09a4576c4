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

{% macro chosen_arm(bucket, share, cumulative_share, total_share) -%}
    (
        {{ total_share }} > 0
        and {{ bucket }} * {{ total_share }} >= {{ cumulative_share }} - {{ share }}
        and {{ bucket }} * {{ total_share }} < {{ cumulative_share }}
    )
{%- endmacro %}

{#- The standard normal distribution function, by Abramowitz & Stegun 7.1.26 (error
    under 1.5e-7): PostgreSQL has no erf. -#}
{% macro normal_cdf(x) -%}
    (0.5 * (1 + sign({{ x }}) * (1 - (
        ((((1.061405429 * (1 / (1 + 0.3275911 * abs({{ x }}) / sqrt(2)))
        - 1.453152027) * (1 / (1 + 0.3275911 * abs({{ x }}) / sqrt(2)))
        + 1.421413741) * (1 / (1 + 0.3275911 * abs({{ x }}) / sqrt(2)))
        - 0.284496736) * (1 / (1 + 0.3275911 * abs({{ x }}) / sqrt(2)))
        + 0.254829592) * (1 / (1 + 0.3275911 * abs({{ x }}) / sqrt(2)))
    ) * exp(-({{ x }}) * ({{ x }}) / 2))))
{%- endmacro %}

{#-
    The rows of a lane's experiments view, from `arms` (experiment_id,
    message_variant_id, sends, replies, meetings: one row per arm). The rule, fixed
    before the data (README "Message experiments"): each arm is compared with the
    control (the experiment's lowest message_variant_id) on the meeting rate by a
    two-sided two-proportion z-test (pooled), the p-values of an experiment's arms
    corrected by Holm's method at alpha 0.05, and only when both arms have at least
    `min_sends` sends; otherwise "keep running", with the sends per arm a test of 80%
    power needs to see a lift of `min_lift` over the control's rate.
-#}
{% macro experiment_rows(arms, min_sends, min_lift) -%}
{%- set arm_columns = [
    'experiment_id', 'message_variant_id', 'sends', 'replies', 'meetings',
    'control_variant_id', 'control_sends', 'control_meetings',
] -%}
with_control as (
    select
        arms.experiment_id,
        arms.message_variant_id,
        arms.sends,
        arms.replies,
        arms.meetings,
        first_value(arms.message_variant_id) over experiment as control_variant_id,
        first_value(arms.sends) over experiment as control_sends,
        first_value(arms.meetings) over experiment as control_meetings
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
        (meetings + control_meetings)::numeric / nullif(sends + control_sends, 0) as pooled_rate,
        meetings::numeric / nullif(sends, 0) - control_meetings::numeric / nullif(control_sends, 0)
            as lift
    from with_control
),

p_values as (
    select
        {{ arm_columns | join(',\n        ') }},
        is_control,
        has_enough_sends,
        lift,
        case
            when not is_control and has_enough_sends and pooled_rate > 0 and pooled_rate < 1
                then 2 * (1 - {{ normal_cdf(
                    'abs(lift) / sqrt(pooled_rate * (1 - pooled_rate)'
                    ' * (1.0 / sends + 1.0 / control_sends))'
                ) }})
        end as p_value
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
        ) end as adjusted_p_value
    from ranked
),

-- Sends per arm a two-sided test at 5% with 80% power needs to see min_lift.
planned as (
    select
        holm.*,
        greatest(control_meetings::numeric / nullif(control_sends, 0), 0.01) as base_rate
    from holm
),

needed as (
    select
        planned.*,
        ceil(power(
            1.959964 * sqrt(2 * (base_rate + {{ min_lift }} / 2) * (1 - base_rate - {{ min_lift }} / 2))
            + 0.841621 * sqrt(
                base_rate * (1 - base_rate)
                + (base_rate + {{ min_lift }}) * (1 - base_rate - {{ min_lift }})
            ), 2
        ) / power({{ min_lift }}, 2)) as sends_needed
    from planned
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
    round(p_value::numeric, 4) as p_value,
    round(adjusted_p_value::numeric, 4) as holm_p_value,
    case
        when is_control then 'control'
        when has_enough_sends and adjusted_p_value < 0.05 and lift > 0
            then format('better than %s', control_variant_id)
        when has_enough_sends and adjusted_p_value < 0.05 and lift < 0
            then format('worse than %s', control_variant_id)
        when has_enough_sends and sends_needed <= least(sends, control_sends)
            then format(
                'no difference from %s: enough sends to see a lift of %s points, none seen',
                control_variant_id, round(100 * {{ min_lift }})
            )
        else format(
            'keep running: about %s more sends per arm to see a lift of %s points',
            greatest(0, sends_needed - least(sends, control_sends))::integer,
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
