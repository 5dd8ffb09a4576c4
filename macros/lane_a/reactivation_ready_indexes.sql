{#-
    Post-hook of bit.reactivation_intent (macro ready_indexes): the rows that can
    be ready are scored high enough and eligible or cooling off; top N overall, for
    one channel, for one tier; people and companies for the kill-switch probes.
-#}
{% macro reactivation_ready_indexes() -%}
    {{ ready_indexes(
        'bit_score',
        "status_without_kill_switch in ('eligible', 'cooling_off')"
        ~ " and bit_score >= " ~ var('min_ready_score'),
        ['recommended_channel', 'tier'],
        ['people_id', 'company_id'],
    ) }}
{%- endmacro %}
