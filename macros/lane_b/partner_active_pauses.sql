{#-
    Lane B kill switch: the partners paused at `as_of`, with the pause's cause
    (manual or unsubscribed). The latest entry per partner decides; a resume lifts
    the pause. Used by the intent table (as of the build) and by the status summary
    (as of the query).
-#}
{% macro partner_active_pauses(pauses, as_of) -%}
    select
        latest.fractional_cfo_id,
        latest.pause_cause
    from (
        select distinct on (fractional_cfo_id)
            fractional_cfo_id,
            pause_action,
            pause_cause
        from {{ pauses }}
        where entered_at <= {{ as_of }}
        order by fractional_cfo_id asc, entered_at desc, pause_entry_id desc
    ) as latest
    where latest.pause_action = 'pause'
{%- endmacro %}
