{#-
    Does the score rank? The CTEs of a lane's score-check view, from two relations
    the view defines: `sends` (send_id, score, band, success: one row per send with
    a known score at the touch) and `codes` (send_id, code: the reasons behind each
    send's row). Three kinds of rows come out of `score_check_rows()`:

    - check = 'score': the AUC of the score for success, with its 95% interval by
      DeLong's method (the placement values of each positive and each negative;
      DeLong, DeLong & Clarke-Pearson 1988; ties count half), and a verdict in words;
    - check = 'band': the success rate per score band (the tiers) with Wilson
      intervals, a calibration table;
    - check = 'reason': per code, the success rate with and without it and the
      difference (the lift) with Newcombe's interval (method 10, from the two
      Wilson intervals), and a suggested direction for its weight only where the
      interval excludes zero. Never an automatic change: a person edits the seed.
-#}
{#-
    The `codes` relation score_check_ctes() reads, as CTEs (send_codes,
    counted_codes, codes): each send's reason codes as its row left with them
    (`codes_at_touch`, kept by the export), else, for a send no export recorded
    them for, the subject's codes at the latest build (`codes_now` of `intent`,
    joined on `key`). A counted code (PRIOR_TOUCHES_2, one weight per touch: a
    seed row whose bucket is each_*) is its seed row's code; any other code keeps
    its digits (RECENCY_0_90 is a bucket of its own).
-#}
{% macro score_check_codes(sends, key, codes_at_touch, intent, codes_now, weights, code_column) -%}
send_codes as (
    select
        sends.send_id,
        unnest(coalesce(sends.{{ codes_at_touch }}, intent.{{ codes_now }})) as code
    from {{ sends }} as sends
    left join {{ intent }} as intent
        on sends.{{ key }} = intent.{{ key }}
),

counted_codes as (
    select {{ code_column }} as counted_code
    from {{ weights }}
    where bucket like 'each\_%'
),

codes as (
    select distinct
        send_codes.send_id,
        coalesce(counted_codes.counted_code, send_codes.code) as code
    from send_codes
    left join counted_codes
        on send_codes.code ~ ('^' || counted_codes.counted_code || '_[0-9]+$')
),
{%- endmacro %}

{% macro score_check_ctes(sends, codes, min_sends) -%}
score_totals as (
    select
        count(*) as sends,
        count(*) filter (where success) as successes
    from {{ sends }}
),

score_levels as (
    select
        score,
        count(*) filter (where success) as positives,
        count(*) filter (where not success) as negatives
    from {{ sends }}
    group by score
),

-- For each score: the negatives scored lower, the positives scored higher.
placements as (
    select
        score,
        positives,
        negatives,
        coalesce(sum(negatives) over (
            order by score asc rows between unbounded preceding and 1 preceding
        ), 0) as negatives_below,
        coalesce(sum(positives) over (
            order by score desc rows between unbounded preceding and 1 preceding
        ), 0) as positives_above
    from score_levels
),

auc_point as (
    select
        sum(placements.positives * (placements.negatives_below + 0.5 * placements.negatives))
        / nullif(score_totals.successes * (score_totals.sends - score_totals.successes), 0)
            as auc
    from placements
    cross join score_totals
    group by score_totals.successes, score_totals.sends
),

delong as (
    select
        auc_point.auc,
        sum(
            placements.positives * power(
                (placements.negatives_below + 0.5 * placements.negatives)
                / nullif(score_totals.sends - score_totals.successes, 0) - auc_point.auc, 2
            )
        ) / nullif(score_totals.successes - 1, 0) as positive_variance,
        sum(
            placements.negatives * power(
                (placements.positives_above + 0.5 * placements.positives)
                / nullif(score_totals.successes, 0) - auc_point.auc, 2
            )
        ) / nullif(score_totals.sends - score_totals.successes - 1, 0) as negative_variance
    from placements
    cross join score_totals
    cross join auc_point
    group by auc_point.auc, score_totals.successes, score_totals.sends
),

auc_interval as (
    select
        score_totals.sends,
        score_totals.successes,
        delong.auc,
        sqrt(
            delong.positive_variance / nullif(score_totals.successes, 0)
            + delong.negative_variance / nullif(score_totals.sends - score_totals.successes, 0)
        ) as auc_se
    from score_totals
    left join delong on true
),

band_counts as (
    select
        band,
        count(*) as sends,
        count(*) filter (where success) as successes,
        min(score) as lowest_score
    from {{ sends }}
    group by band
),

code_counts as (
    select
        codes.code,
        count(*) as sends_with,
        count(*) filter (where sends.success) as successes_with
    from {{ codes }} as codes
    inner join {{ sends }} as sends on codes.send_id = sends.send_id
    group by codes.code
),

code_lifts as (
    select
        code_counts.code,
        code_counts.sends_with,
        code_counts.successes_with,
        score_totals.sends - code_counts.sends_with as sends_without,
        score_totals.successes - code_counts.successes_with as successes_without
    from code_counts
    cross join score_totals
),

code_intervals as (
    select
        code,
        sends_with,
        successes_with,
        sends_without,
        successes_without,
        successes_with::numeric / nullif(sends_with, 0) as rate_with,
        successes_without::numeric / nullif(sends_without, 0) as rate_without,
        {{ wilson_low('successes_with', 'sends_with') }} as with_low,
        {{ wilson_high('successes_with', 'sends_with') }} as with_high,
        {{ wilson_low('successes_without', 'sends_without') }} as without_low,
        {{ wilson_high('successes_without', 'sends_without') }} as without_high
    from code_lifts
),

-- The lift and its 95% interval: Newcombe's method 10, from the two Wilson intervals.
code_lift_intervals as (
    select
        code,
        sends_with,
        successes_with,
        sends_without,
        rate_with,
        rate_without,
        with_low,
        with_high,
        rate_with - rate_without as lift,
        rate_with - rate_without - sqrt(
            power(rate_with - with_low, 2) + power(without_high - rate_without, 2)
        ) as lift_low,
        rate_with - rate_without + sqrt(
            power(with_high - rate_with, 2) + power(rate_without - without_low, 2)
        ) as lift_high
    from code_intervals
)
{%- endmacro %}


{% macro score_check_rows(min_sends) -%}
select
    'score:all' as check_id,
    'score' as check_kind,
    'all' as bucket,
    sends::integer as sends,
    successes::integer as meetings,
    round(successes::numeric / nullif(sends, 0), 4) as meeting_rate,
    {{ wilson_low('successes', 'sends') }} as rate_low,
    {{ wilson_high('successes', 'sends') }} as rate_high,
    round(auc, 4) as auc,
    case when auc_se is not null then round(greatest(0, auc - 1.96 * auc_se), 4) end as auc_low,
    case when auc_se is not null then round(least(1, auc + 1.96 * auc_se), 4) end as auc_high,
    null::numeric as rate_without,
    null::numeric as lift,
    null::numeric as lift_low,
    null::numeric as lift_high,
    case
        when sends < {{ min_sends }} or successes = 0 or successes = sends or auc_se is null
            then format('not enough sends yet (%s)', sends)
        when auc - 1.96 * auc_se > 0.5
            then format(
                'the score ranks better than chance (AUC %s, interval %s-%s)',
                round(auc, 2), round(greatest(0, auc - 1.96 * auc_se), 2),
                round(least(1, auc + 1.96 * auc_se), 2)
            )
        when auc + 1.96 * auc_se < 0.5
            then format(
                'the score ranks worse than chance (AUC %s): the weights need a look',
                round(auc, 2)
            )
        else format(
            'no evidence yet that the score ranks better than chance (AUC %s, interval %s-%s)',
            round(auc, 2), round(greatest(0, auc - 1.96 * auc_se), 2),
            round(least(1, auc + 1.96 * auc_se), 2)
        )
    end as verdict
from auc_interval

union all

select
    'band:' || band as check_id,
    'band' as check_kind,
    band as bucket,
    sends::integer as sends,
    successes::integer as meetings,
    round(successes::numeric / nullif(sends, 0), 4) as meeting_rate,
    {{ wilson_low('successes', 'sends') }} as rate_low,
    {{ wilson_high('successes', 'sends') }} as rate_high,
    null::numeric as auc,
    null::numeric as auc_low,
    null::numeric as auc_high,
    null::numeric as rate_without,
    null::numeric as lift,
    null::numeric as lift_low,
    null::numeric as lift_high,
    null::text as verdict
from band_counts

union all

select
    'reason:' || code as check_id,
    'reason' as check_kind,
    code as bucket,
    sends_with::integer as sends,
    successes_with::integer as meetings,
    round(rate_with, 4) as meeting_rate,
    with_low as rate_low,
    with_high as rate_high,
    null::numeric as auc,
    null::numeric as auc_low,
    null::numeric as auc_high,
    round(rate_without, 4) as rate_without,
    round(lift, 4) as lift,
    round(lift_low, 4) as lift_low,
    round(lift_high, 4) as lift_high,
    case
        when sends_with + sends_without < {{ min_sends }} or sends_without = 0 then null
        when lift_low > 0 or lift_high < 0
            then format(
                '%s %s: %s points of meeting rate, interval %s to %s',
                case when lift_low > 0 then 'raise' else 'lower' end, code,
                to_char(100 * lift, 'FMSG990.0'),
                to_char(100 * lift_low, 'FMSG990.0'),
                to_char(100 * lift_high, 'FMSG990.0')
            )
    end as verdict
from code_lift_intervals
{%- endmacro %}

{#-
    A lane's score-check view: its sends with a known score at the touch, read from
    the lane's outcomes model (`band` groups them for calibration), their codes
    (score_check_codes), then the checks (score_check_ctes, score_check_rows).
-#}
{% macro score_check_view(
    outcomes, key, band, codes_at_touch, intent, codes_now, weights, code_column, min_sends
) -%}
with

sends as (
    select
        touch_id as send_id,
        {{ key }},
        score_at_touch as score,
        {{ band }} as band,
        met_again as success,
        {{ codes_at_touch }}
    from {{ outcomes }}
    where score_at_touch is not null
),

{{ score_check_codes('sends', key, codes_at_touch, intent, codes_now, weights, code_column) }}

{{ score_check_ctes('sends', 'codes', min_sends) }}

{{ score_check_rows(min_sends) }}
{%- endmacro %}
