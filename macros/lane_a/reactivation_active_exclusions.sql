{#-
    Lane A kill switch: the (scope, scope_key) pairs excluded at `as_of`.
    The latest entry made by then per key decides; an inclusion or an expired
    exclusion lifts it. Used by the intent table (as of the build) and by the ready view
    (as of the query), so both read the switch the same way.
-#}
{% macro reactivation_active_exclusions(kill_switch, as_of) -%}
    select
        latest.scope,
        latest.scope_key,
        latest.kill_switch_cause
    from (
        select distinct on (scope, scope_key)
            scope,
            scope_key,
            kill_switch_action,
            kill_switch_cause,
            expires_at
        from {{ kill_switch }}
        where entered_at <= {{ as_of }}
        order by scope asc, scope_key asc, entered_at desc, kill_switch_entry_id desc
    ) as latest
    where
        latest.kill_switch_action = 'exclude'
        and (latest.expires_at is null or latest.expires_at > {{ as_of }})
{%- endmacro %}
