{#-
    A lane's performance view (does the score work?), the same arithmetic for both
    lanes: for each dimension and bucket, sent touches, replies, meetings that came
    back, both rates and their 95% Wilson intervals (so "3 of 4" reads as a wide
    interval, not as 75%).

    Reads the model's CTE `outcomes` (one row per send: touch_id, replied, met_again,
    met_warm when `count_warm`, and the columns the dimensions read); `dimensions` are
    (name, bucket expression) pairs after 'overall'; `codes`, where given, is a CTE of
    (touch_id, code) whose codes are one more dimension of that name.
-#}
{% macro performance_view(dimensions, codes=none, count_warm=false) -%}
    {%- set counted = 'replied, met_again' ~ (', met_warm' if count_warm else '') -%}
    by_dimension as (
        select
            'overall' as dimension,
            'all' as bucket,
            {{ counted }}
        from outcomes
        {%- for name, bucket in dimensions %}
        union all
        select
            '{{ name }}' as dimension,
            {{ bucket }} as bucket,
            {{ counted }}
        from outcomes
        {%- endfor %}
        {%- if codes %}
        union all
        select
            '{{ codes }}' as dimension,
            {{ codes }}.code as bucket,
            outcomes.replied,
            outcomes.met_again
            {%- if count_warm %},
            outcomes.met_warm
            {%- endif %}
        from outcomes
        inner join {{ codes }}
            on outcomes.touch_id = {{ codes }}.touch_id
        {%- endif %}
    ),

    counts as (
        select
            dimension,
            bucket,
            count(*) as touches,
            count(*) filter (where replied) as replies,
            count(*) filter (where met_again) as meetings
            {%- if count_warm %},
            count(*) filter (where met_warm) as warm_meetings
            {%- endif %}
        from by_dimension
        group by dimension, bucket
    )

    select
        dimension || ':' || bucket as bucket_key,
        dimension,
        bucket,
        touches,
        replies,
        meetings,
        {%- if count_warm %}
        warm_meetings,
        {%- endif %}
        round(replies::numeric / touches, 4) as reply_rate,
        {{ wilson_low('replies', 'touches') }} as reply_rate_low,
        {{ wilson_high('replies', 'touches') }} as reply_rate_high,
        round(meetings::numeric / touches, 4) as meeting_rate,
        {{ wilson_low('meetings', 'touches') }} as meeting_rate_low,
        {{ wilson_high('meetings', 'touches') }} as meeting_rate_high
        {%- if count_warm %},
        round(warm_meetings::numeric / touches, 4) as warm_meeting_rate
        {%- endif %}
    from counts
{%- endmacro %}
