{#-
    For the ready views, as a boolean: a message was sent (or handed out by an
    export: a planned touch) to this key since its
    row was scored (recorded since, or dated since), so a contacted row leaves
    the queue before the next build. A scalar subquery on purpose: one probe of
    the touches' key index per row the view returns, out of the join search.
-#}
{% macro sent_since_scored(touches, key_column, key, scored_at) -%}
    coalesce((
        select true
        from {{ touches }} as touch
        where
            touch.{{ key_column }} = {{ key }}
            and touch.touch_event in ('planned', 'sent')
            and (
                touch.recorded_at > {{ scored_at }}
                or touch.touched_at > {{ scored_at }}
            )
        -- Any one row answers "is there one".
        limit 1  -- noqa: AM09
    ), false)
{%- endmacro %}
