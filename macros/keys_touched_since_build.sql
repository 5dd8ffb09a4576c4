{#-
    For the ready views: the keys touched after the last build of `intent`
    (a message sent: recorded since, or dated since), so an exported or contacted row leaves the
    queue before the next `dbt build`. Reads max(computed_at) from the table
    itself: a view that referenced its intent CTE twice would materialise it and
    lose the (status, score) index.
-#}
{% macro keys_touched_since_build(touches, key_column, intent) -%}
    select distinct touches.{{ key_column }}
    from {{ touches }} as touches
    cross join (
        select max(computed_at) as computed_at
        from {{ intent }}
    ) as last_build
    where
        touches.touch_event = 'sent'
        and (
            touches.recorded_at > last_build.computed_at
            or touches.touched_at > last_build.computed_at
        )
{%- endmacro %}
