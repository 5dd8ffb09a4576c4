{#-
    The column's values are labels of a PostgreSQL enum, read from the catalog
    (pg_enum), so the check follows the migrations instead of a copied list.
    `enum_name` is a type name as PostgreSQL accepts it: 'sales.meeting_type_enum',
    '"bit".eligibility_status_enum'.
-#}
{% test accepted_enum(model, column_name, enum_name) %}

with

labels as (
    select enumlabel as label
    from pg_catalog.pg_enum
    where enumtypid = '{{ enum_name }}'::regtype
),

checked as (
    select {{ column_name }}::text as value
    from {{ model }}
    where {{ column_name }} is not null
)

select
    checked.value,
    count(*) as n_rows,
    'not a label of {{ enum_name }}' as problem
from checked
left join labels
    on checked.value = labels.label
where labels.label is null
group by checked.value

{% endtest %}
