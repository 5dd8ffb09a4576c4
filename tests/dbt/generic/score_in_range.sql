{#-
    A numeric score lies within [min_value, max_value] and fits its declared
    precision: at most `scale` decimals, and, for a table or view column, the
    catalog type is numeric(precision, scale) - so a widened column or a value
    with stray decimals is caught, not only an out-of-range one.
-#}
{% test score_in_range(model, column_name, min_value=0, max_value=100, precision=5, scale=2) %}

with

values_out_of_range as (
    select
        {{ column_name }}::text as value,
        case
            when {{ column_name }} < {{ min_value }} then 'below {{ min_value }}'
            when {{ column_name }} > {{ max_value }} then 'above {{ max_value }}'
            else 'more than {{ scale }} decimals'
        end as problem
    from {{ model }}
    where
        {{ column_name }} < {{ min_value }}
        or {{ column_name }} > {{ max_value }}
        or {{ column_name }} <> round({{ column_name }}, {{ scale }})
),

declared_type as (
    select
        format_type(attribute.atttypid, attribute.atttypmod) as data_type
    from pg_catalog.pg_attribute as attribute
    where
        attribute.attrelid = to_regclass('{{ model }}')
        and attribute.attname = '{{ column_name }}'
        and not attribute.attisdropped
)

select
    value,
    problem
from values_out_of_range

union all

select
    data_type as value,
    'declared as ' || data_type || ', documented as numeric({{ precision }},{{ scale }})'
        as problem
from declared_type
where data_type <> 'numeric({{ precision }},{{ scale }})'

{% endtest %}
