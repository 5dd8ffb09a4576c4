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
    follow-ups labelled as such (a send the tool made with no plan to someone who had
    an earlier send: the next step of its sequence), and what came back from the
    touches table. `subject` is the sends' key (the meeting or the partner).
-#}
{% macro activity_summary(sends, touches, subject) -%}
    with

    sends_in_order as (
        select
            send_status,
            sent_at,
            lag(sent_at) over (
                partition by {{ subject }} order by sent_at, send_id
            ) as previous_sent_at
        from {{ sends }}
    ),

    activity as (
        select
            case
                when send_status = 'confirmed'
                    then 'sent: exported and confirmed by the tool'
                when send_status = 'unplanned' and previous_sent_at is not null
                    then 'sent: a follow-up (a later step of the sequence)'
                when send_status = 'unplanned' then 'sent: not from an export'
                else 'exported, not confirmed by a tool yet'
            end as activity,
            case
                when send_status = 'confirmed' then 1
                when send_status = 'unplanned' and previous_sent_at is not null then 2
                when send_status = 'unplanned' then 3
                else 4
            end as place,
            sent_at as happened_at
        from sends_in_order
        union all
        select
            touch_event as activity,
            5 as place,
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
