{#-
    Lane A kill switch for one key, as a boolean: the latest entry for that key
    entered by `as_of` is an exclusion that has not expired (the same rule as
    reactivation_active_exclusions). A scalar subquery on purpose: it runs as
    one probe of the (scope, scope_key, created_at) index per row the ready
    view returns, and stays out of the join search, so the view can still be
    read in score order from its index and stop after the rows asked for.
-#}
{% macro reactivation_exclusion_in_force(kill_switch, scope, key, as_of) -%}
    coalesce((
        select
            latest.kill_switch_action = 'exclude'
            and (latest.expires_at is null or latest.expires_at > {{ as_of }})
        from {{ kill_switch }} as latest
        where
            latest.scope = '{{ scope }}'
            and latest.scope_key = {{ key }}
            and latest.entered_at <= {{ as_of }}
        order by latest.entered_at desc, latest.kill_switch_entry_id desc
        limit 1
    ), false)
{%- endmacro %}
