{#-
    The summaries `loader status` and `loader report` read (loader/insight/sections.py):
    each lane's bit.v_<lane>_queue_summary, _activity_summary and _weekly_summary views
    are one call of these, so both lanes count the same way and both commands show the
    same numbers.
-#}

{#- The ready queue now, by the lane's first grouping and channel; `place` orders it. -#}
{% macro queue_summary(ready_view, group_column, score_column) -%}
    select
        {{ group_column }}::text as queue_group,
        recommended_channel::text as channel,
        count(*) as contacts,
        row_number() over (
            order by max({{ score_column }}) desc, {{ group_column }}::text, recommended_channel::text
        ) as place
    from {{ ready_view }}
    group by {{ group_column }}::text, recommended_channel::text
{%- endmacro %}

{#-
    What went out and came back, in the last 7 and 30 days and in all: each send once
    (the lane's sends model pairs a planned touch with the tool's send confirming it),
    follow-ups labelled as such, and what came back from the touches table.
-#}
{% macro activity_summary(sends, touches) -%}
    with

    activity as (
        select
            case send_status
                when 'confirmed' then 'sent: exported and confirmed by the tool'
                when 'unplanned' then 'sent: not from an export'
                else 'exported, not confirmed by a tool yet'
            end as activity,
            case send_status when 'confirmed' then 1 when 'unplanned' then 2 else 3 end as place,
            sent_at as happened_at
        from {{ sends }}
        union all
        select
            touch_event as activity,
            4 as place,
            touched_at as happened_at
        from {{ touches }}
        where touch_event in ('replied', 'bounced', 'unsubscribed')
    )

    select
        activity,
        count(*) filter (
            where happened_at > {{ lanes_query_time() }} - interval '7 days'
        ) as last_7_days,
        count(*) filter (
            where happened_at > {{ lanes_query_time() }} - interval '30 days'
        ) as last_30_days,
        count(*) as all_time,
        min(place) as place
    from activity
    group by activity
{%- endmacro %}

{#- Sends by ISO week (Monday), and what came back from them. -#}
{% macro weekly_summary(outcomes) -%}
    select
        date_trunc('week', touched_at)::date as week,
        count(*) as sends,
        count(*) filter (where replied) as replies,
        count(*) filter (where met_again) as meetings
    from {{ outcomes }}
    group by date_trunc('week', touched_at)::date
{%- endmacro %}
