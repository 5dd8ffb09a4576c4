{#-
    What outreach adds, the same for both lanes: the meeting rate of the contacted minus
    that of the held out (the random holdout, macros/experiments.sql in_holdout), each
    counted from the first holdout on so the two groups cover the same weeks, with a
    95% interval of the difference (Newcombe's hybrid score method, from the two Wilson
    intervals), overall and by `dimension` (the tier or next action at the time).
    `uplift` and its interval stay null until each group has `min_each` rows: before
    that the difference is not yet known, and the verdict says how many are missing.
-#}
{% macro holdout_uplift_rows(outcomes, holdout_outcomes, at_touch, at_holdout, min_each) -%}
with

since as (
    select min(held_out_at) as first_held_out_at from {{ holdout_outcomes }}
),

contacted as (
    select
        dimension,
        bucket,
        count(*) as contacted,
        count(*) filter (where met_again) as contacted_meetings
    from (
        select
            'overall' as dimension,
            'all' as bucket,
            outcomes.met_again
        from {{ outcomes }} as outcomes
        cross join since
        where outcomes.touched_at >= since.first_held_out_at
        union all
        select
            '{{ at_touch | replace('_at_touch', '') }}' as dimension,
            coalesce(outcomes.{{ at_touch }}::text, 'unknown') as bucket,
            outcomes.met_again
        from {{ outcomes }} as outcomes
        cross join since
        where outcomes.touched_at >= since.first_held_out_at
    ) as sends
    group by dimension, bucket
),

held as (
    select
        dimension,
        bucket,
        count(*) as held_out,
        count(*) filter (where met_again) as held_out_meetings
    from (
        select
            'overall' as dimension,
            'all' as bucket,
            met_again
        from {{ holdout_outcomes }}
        union all
        select
            '{{ at_touch | replace('_at_touch', '') }}' as dimension,
            coalesce({{ at_holdout }}::text, 'unknown') as bucket,
            met_again
        from {{ holdout_outcomes }}
    ) as holdouts
    group by dimension, bucket
),

counted as (
    select
        coalesce(contacted.dimension, held.dimension) as dimension,
        coalesce(contacted.bucket, held.bucket) as bucket,
        coalesce(contacted.contacted, 0) as contacted,
        coalesce(contacted.contacted_meetings, 0) as contacted_meetings,
        coalesce(held.held_out, 0) as held_out,
        coalesce(held.held_out_meetings, 0) as held_out_meetings
    from contacted
    full join held
        on contacted.dimension = held.dimension and contacted.bucket = held.bucket
),

rated as (
    select
        counted.*,
        contacted_meetings::numeric / nullif(contacted, 0) as contacted_rate,
        held_out_meetings::numeric / nullif(held_out, 0) as held_out_rate,
        {{ wilson_low('contacted_meetings', 'contacted') }} as contacted_low,
        {{ wilson_high('contacted_meetings', 'contacted') }} as contacted_high,
        {{ wilson_low('held_out_meetings', 'held_out') }} as held_out_low,
        {{ wilson_high('held_out_meetings', 'held_out') }} as held_out_high,
        contacted >= {{ min_each }} and held_out >= {{ min_each }} as is_known
    from counted
)

select
    dimension || ':' || bucket as uplift_key,
    dimension,
    bucket,
    contacted::integer as contacted,
    contacted_meetings::integer as contacted_meetings,
    held_out::integer as held_out,
    held_out_meetings::integer as held_out_meetings,
    round(contacted_rate, 4) as contacted_rate,
    round(held_out_rate, 4) as held_out_rate,
    case when is_known then round(contacted_rate - held_out_rate, 4) end as uplift,
    case when is_known then round(
        contacted_rate - held_out_rate
        - sqrt(power(contacted_rate - contacted_low, 2) + power(held_out_high - held_out_rate, 2)),
        4
    ) end as uplift_low,
    case when is_known then round(
        contacted_rate - held_out_rate
        + sqrt(power(contacted_high - contacted_rate, 2) + power(held_out_rate - held_out_low, 2)),
        4
    ) end as uplift_high,
    case
        when is_known and contacted_rate - held_out_rate
            - sqrt(power(contacted_rate - contacted_low, 2) + power(held_out_high - held_out_rate, 2))
            > 0
            then 'outreach adds meetings: the contacted met again more often than the held out'
        when is_known and contacted_rate - held_out_rate
            + sqrt(power(contacted_high - contacted_rate, 2) + power(held_out_rate - held_out_low, 2))
            < 0
            then 'the contacted met again less often than the held out: look at the messages'
        when is_known then 'no difference shown yet between the contacted and the held out'
        else format(
            'not yet known: %s contacted and %s held out so far, at least %s of each needed',
            contacted, held_out, {{ min_each }}
        )
    end as verdict
from rated
{%- endmacro %}
