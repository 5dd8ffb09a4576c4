{#-
    The wait columns agree with the status: rows in `cooling_value` have a
    `cooling_off_until` at or after the time they were computed; rows in
    `excluded_value` have a reason and no wait; rows in `eligible_values` have
    neither. Lane A: eligible / excluded / cooling_off. Lane B: active and
    completed / pending (no exclusion reason column there).
-#}
{% test cooling_off_consistent(
    model,
    status_column,
    cooling_value,
    eligible_values,
    until_column='cooling_off_until',
    computed_at_column='computed_at',
    excluded_value=none,
    reason_column=none
) %}

select
    {{ status_column }}::text as status,
    {{ until_column }} as cooling_off_until,
    {% if reason_column %}{{ reason_column }}{% else %}null::text{% endif %} as reason,
    case
        when {{ status_column }}::text = '{{ cooling_value }}' and {{ until_column }} is null
            then 'cooling off without cooling_off_until'
        when
            {{ status_column }}::text = '{{ cooling_value }}'
            and {{ until_column }} < {{ computed_at_column }}
            then 'cooling_off_until already past when computed'
        {% if excluded_value %}
            when {{ status_column }}::text = '{{ excluded_value }}' and {{ reason_column }} is null
                then 'excluded without a reason'
            when
                {{ status_column }}::text = '{{ excluded_value }}'
                and {{ until_column }} is not null
                then 'excluded with a cooling_off_until'
        {% endif %}
        else 'eligible with a wait or a reason'
    end as problem
from {{ model }}
where
    ({{ status_column }}::text = '{{ cooling_value }}' and (
        {{ until_column }} is null or {{ until_column }} < {{ computed_at_column }}
    ))
    {% if excluded_value %}
        or ({{ status_column }}::text = '{{ excluded_value }}' and (
            {{ reason_column }} is null or {{ until_column }} is not null
        ))
    {% endif %}
    or ({{ status_column }}::text in (
        {%- for value in eligible_values %}'{{ value }}'{{ "," if not loop.last }}{% endfor -%}
    ) and (
        {{ until_column }} is not null
        {% if reason_column %} or {{ reason_column }} is not null{% endif %}
    ))

{% endtest %}
