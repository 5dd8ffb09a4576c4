{#-
    The scoring components both lanes' score_components models are made of: each is
    the weight rows of one `component` of the lane's weights seed that apply to a row
    of the model's `facts` CTE, as (subject, code, points, component_order). The lane
    names its subject column (a score profile, a partner), its code column
    (reason_code, factor_code) and which fact each component reads; the rules of how a
    weight applies live here once.
-#}

{#- The weight whose bucket equals the fact (an outcome, a type, a status). -#}
{% macro component_by_bucket(subject, code, component, fact, order) -%}
    select
        facts.{{ subject }},
        score_weights.{{ code }},
        score_weights.points,
        {{ order }} as component_order
    from facts
    inner join score_weights
        on
            score_weights.component = '{{ component }}'
            and {{ fact }} = score_weights.bucket
{%- endmacro %}

{#- The weight whose [min_value, max_value] holds the fact (no max: open-ended). -#}
{% macro component_in_range(subject, code, component, fact, order) -%}
    select
        facts.{{ subject }},
        score_weights.{{ code }},
        score_weights.points,
        {{ order }} as component_order
    from facts
    inner join score_weights
        on
            score_weights.component = '{{ component }}'
            and {{ fact }} >= score_weights.min_value
            and (
                score_weights.max_value is null
                or {{ fact }} <= score_weights.max_value
            )
{%- endmacro %}

{#- The component's weights, for the rows where `condition` holds (a flag, a bucket rule). -#}
{% macro component_when(subject, code, component, condition, order) -%}
    select
        facts.{{ subject }},
        score_weights.{{ code }},
        score_weights.points,
        {{ order }} as component_order
    from facts
    inner join score_weights
        on
            score_weights.component = '{{ component }}'
            and {{ condition }}
{%- endmacro %}

{#-
    Points per counted thing (touches, warm meetings): from min_value of them (default
    1), at most max_value counted (default all); the code carries the count
    (PRIOR_TOUCHES_2), which the score check folds back to the seed's row.
-#}
{% macro component_per_count(subject, code, component, count, order) -%}
    select
        facts.{{ subject }},
        score_weights.{{ code }} || '_' || {{ count }} as {{ code }},
        score_weights.points * least(
            {{ count }}, coalesce(score_weights.max_value, {{ count }})
        ) as points,
        {{ order }} as component_order
    from facts
    inner join score_weights
        on
            score_weights.component = '{{ component }}'
            and {{ count }} >= coalesce(score_weights.min_value, 1)
{%- endmacro %}
