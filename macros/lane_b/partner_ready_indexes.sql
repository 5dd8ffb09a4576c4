{#-
    Post-hook of bit.partner_intent: indexes over the partners that can be
    ready (scored high enough, active or pending), in score order: top N
    overall, per next action, per channel. The ready view's conditions imply
    the predicate, so the planner walks them and stops after the rows asked for.
    Unnamed: PostgreSQL picks a free name while the previous build's table,
    about to be dropped, still holds its own.
-#}
{% macro partner_ready_indexes() -%}
    {%- set can_be_ready -%}
        where
            lifecycle_status in ('active', 'pending')
            and leverage_score >= {{ var('min_partner_score') }}
    {%- endset -%}
    create index on {{ this }} (leverage_score desc) {{ can_be_ready }};
    create index on {{ this }} (recommended_next_action, leverage_score desc) {{ can_be_ready }};
    create index on {{ this }} (recommended_channel, leverage_score desc) {{ can_be_ready }}
{%- endmacro %}
