{#-
    Post-hook of bit.reactivation_intent: the indexes that make the ready view's
    dashboard queries read about as many rows as they return. Each covers only
    the rows that can be ready (scored high enough, eligible or cooling off), in
    score order: top N overall, top N for one channel, top N for one tier. The
    view's own conditions imply the predicate, so the planner uses them.
    Unnamed: PostgreSQL picks a free name while the previous build's table,
    about to be dropped, still holds its own.
-#}
{% macro reactivation_ready_indexes() -%}
    {%- set can_be_ready -%}
        where
            status_without_kill_switch in ('eligible', 'cooling_off')
            and bit_score >= {{ var('min_ready_score') }}
    {%- endset -%}
    create index on {{ this }} (bit_score desc) {{ can_be_ready }};
    create index on {{ this }} (recommended_channel, bit_score desc) {{ can_be_ready }};
    create index on {{ this }} (tier, bit_score desc) {{ can_be_ready }};
    create index on {{ this }} (people_id);
    create index on {{ this }} (company_id)
{%- endmacro %}
