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
