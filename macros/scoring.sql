{#-
    How both lanes turn scoring components into a score and its explanation
    (each lane keeps its own components, weights and codes). Components are rows
    with `points` and `component_order`.
-#}

{#- The sum of the points, clamped to 0-100; no components scores 0. -#}
{% macro clamped_score(raw_points) -%}
    least(greatest(coalesce({{ raw_points }}, 0), 0), 100)::numeric(5, 2)
{%- endmacro %}

{#- An aggregate: the code of every non-zero component, largest effect first,
    ties in component order. -#}
{% macro codes_largest_first(code_column) -%}
    array_agg({{ code_column }} order by abs(points) desc, component_order asc, {{ code_column }} asc)
    filter (where points <> 0)
{%- endmacro %}

{#-
    The score before clamping: per subject, the components' points added up and their
    codes largest first (`codes`). `components` is the lane's score_components model.
-#}
{% macro summed_scores(components, subject, code_column) -%}
    select
        {{ subject }},
        sum(points) as raw_points,
        {{ codes_largest_first(code_column) }} as codes
    from {{ components }}
    group by {{ subject }}
{%- endmacro %}

{#-
    The indexes that make a ready view's dashboard queries read about as many rows as
    they return: over the rows that can be ready (`can_be_ready`, which the view's own
    conditions imply, so the planner uses them), in score order overall and per each
    of `groups`; plain indexes on `lookups`. Unnamed: PostgreSQL picks a free name
    while the previous build's table, about to be dropped, still holds its own.
-#}
{% macro ready_indexes(score_column, can_be_ready, groups, lookups=[]) -%}
    {%- set statements = [] -%}
    {%- for group in [none] + groups -%}
        {%- set columns = (group ~ ', ' if group else '') ~ score_column ~ ' desc' -%}
        {%- do statements.append(
            'create index on ' ~ this ~ ' (' ~ columns ~ ') where ' ~ can_be_ready
        ) -%}
    {%- endfor -%}
    {%- for lookup in lookups -%}
        {%- do statements.append('create index on ' ~ this ~ ' (' ~ lookup ~ ')') -%}
    {%- endfor -%}
    {{ statements | join(';\n') }}
{%- endmacro %}
