{#-
    The scoring components of both lanes' score_components models: one row per weight
    that applies, as (subject, code, points, component_order). The lane lists its
    components in order, each (component in its weights seed, rule, the fact it
    reads); the rules of how a weight applies live here once:

    - bucket:    the weight whose bucket equals the fact (an outcome, a type, a status);
    - range:     the weight whose [min_value, max_value] holds the fact (no max: open);
    - when:      the component's weights where the fact (a condition) holds;
    - per_count: points per counted thing (touches, warm meetings), from min_value of
                 them (default 1), at most max_value counted (default all); the code
                 carries the count (PRIOR_TOUCHES_2), which the score check folds back;
    - keywords:  the lane's `reason_matches` CTE (text matched against keyword seeds),
                 joined on its matched_text.

    The model's CTEs `facts` (one row per subject) and `score_weights` (the seed, with
    integer bounds) are read.
-#}
{% macro score_components(subject, code, components) -%}
    {%- for component, rule, fact in components %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    {%- if rule == 'keywords' %}
    select
        facts.{{ subject }},
        reason_matches.{{ code }},
        reason_matches.points,
        {{ loop.index }} as component_order
    from facts
    inner join reason_matches
        on {{ fact }} = reason_matches.matched_text
    {%- else %}
    select
        facts.{{ subject }},
        {%- if rule == 'per_count' %}
        score_weights.{{ code }} || '_' || {{ fact }} as {{ code }},
        score_weights.points * least(
            {{ fact }}, coalesce(score_weights.max_value, {{ fact }})
        ) as points,
        {%- else %}
        score_weights.{{ code }},
        score_weights.points,
        {%- endif %}
        {{ loop.index }} as component_order
    from facts
    inner join score_weights
        on
            score_weights.component = '{{ component }}'
            {%- if rule == 'bucket' %}
            and {{ fact }} = score_weights.bucket
            {%- elif rule == 'range' %}
            and {{ fact }} >= score_weights.min_value
            and (score_weights.max_value is null or {{ fact }} <= score_weights.max_value)
            {%- elif rule == 'when' %}
            and {{ fact }}
            {%- elif rule == 'per_count' %}
            and {{ fact }} >= coalesce(score_weights.min_value, 1)
            {%- else %}
            {{ exceptions.raise_compiler_error("unknown scoring rule " ~ rule) }}
            {%- endif %}
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{#-
    A lane's weights seed with integer bounds. Bounds are text in the seed: an empty
    cell is NULL in the loaded seed but '' when dbt unit tests read the CSV directly,
    and both must mean "no bound".
-#}
{% macro score_weights(weights, code_column) -%}
    select
        component,
        bucket,
        nullif(min_value, '')::integer as min_value,
        nullif(max_value, '')::integer as max_value,
        points,
        {{ code_column }}
    from {{ weights }}
{%- endmacro %}
