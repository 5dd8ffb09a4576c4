{#- The tier of a Lane A score, from the reactivation_tier_* vars. -#}
{% macro reactivation_tier(score) -%}
    case
        when {{ score }} >= {{ var('reactivation_tier_hot') }} then 'hot'
        when {{ score }} >= {{ var('reactivation_tier_warm') }} then 'warm'
        when {{ score }} >= {{ var('reactivation_tier_cool') }} then 'cool'
        else 'cold'
    end
{%- endmacro %}
