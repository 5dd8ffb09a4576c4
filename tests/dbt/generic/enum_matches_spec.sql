{#-
    The enum's labels equal the documented list, in order. Catches drift between
    the migrations, the seeds and the docs: a label added, removed, renamed or
    moved fails with the enum and both lists named. Attach it to any column or
    model; `enum_name` and `labels` say what to compare.
-#}
{% test enum_matches_spec(model, enum_name, labels, column_name=none) %}

with

actual as (
    select coalesce(
        array_agg(enumlabel::text order by enumsortorder), '{}'::text []
    ) as labels
    from pg_catalog.pg_enum
    where enumtypid = '{{ enum_name }}'::regtype
),

documented as (
    select array[
        {%- for label in labels %}'{{ label }}'{{ "," if not loop.last }}{% endfor -%}
    ]::text [] as labels
)

select
    '{{ enum_name }}' as enum_name,
    array_to_string(documented.labels, ', ') as documented_labels,
    array_to_string(actual.labels, ', ') as actual_labels
from actual
cross join documented
where actual.labels is distinct from documented.labels

{% endtest %}
