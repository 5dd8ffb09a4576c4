{#-
    Post-hook of bit.partner_intent (macro ready_indexes): the partners that can be
    ready are scored high enough and active or pending; top N overall, per next
    action, per channel.
-#}
{% macro partner_ready_indexes() -%}
    {{ ready_indexes(
        'leverage_score',
        "lifecycle_status in ('active', 'pending')"
        ~ " and leverage_score >= " ~ var('min_partner_score'),
        ['recommended_next_action', 'recommended_channel'],
    ) }}
{%- endmacro %}
