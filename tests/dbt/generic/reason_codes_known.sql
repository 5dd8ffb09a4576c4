{#-
    Every code in a text[] column is one of the documented `codes`, or a
    documented counted code with its count (`counted_codes: [PRIOR_TOUCHES]`
    allows PRIOR_TOUCHES_1, PRIOR_TOUCHES_2, ...). A code added to a seed but not
    to the docs fails here, naming the code.
-#}
{% test reason_codes_known(model, column_name, codes, counted_codes=[]) %}

with

codes_in_rows as (
    select unnest({{ column_name }}) as code
    from {{ model }}
),

used as (
    select
        code,
        count(*) as n_rows
    from codes_in_rows
    group by code
)

select
    code,
    n_rows,
    'not a documented code' as problem
from used
where
    code not in (
        {%- for code in codes %}'{{ code }}'{{ "," if not loop.last }}{% endfor -%}
    )
    {% for code in counted_codes %}
        and code !~ '^{{ code }}_[0-9]+$'
    {% endfor %}

{% endtest %}
