{#-
    Lane B kill switch for one partner, as a boolean: the latest pause/resume
    entry for that partner entered by `as_of` is a pause (the same rule as
    partner_active_pauses). A scalar subquery on purpose: one probe of the
    (fractional_cfo_id, created_at) index per row the ready view returns, out of
    the join search, so the view can be read in score order from its index.
-#}
{% macro partner_paused_now(pauses, partner_id, as_of) -%}
    coalesce((
        select latest.pause_action = 'pause'
        from {{ pauses }} as latest
        where
            latest.fractional_cfo_id = {{ partner_id }}
            and latest.entered_at <= {{ as_of }}
        order by latest.entered_at desc, latest.pause_entry_id desc
        limit 1
    ), false)
{%- endmacro %}
