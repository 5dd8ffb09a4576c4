{#-
    For checks that find their violations in Jinja (from dbt's graph or the
    catalog): one row per violation, so dbt fails the test and --store-failures
    keeps them; with `log_prefix`, each is also printed in dbt's output.
-#}
{% macro violations_sql(violations, log_prefix=none) -%}
    {%- if log_prefix -%}
        {%- for violation in violations -%}
            {%- do log(log_prefix ~ violation, info=true) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if violations -%}
        {%- for violation in violations %}
            select '{{ violation | replace("'", "''") }}'::text as violation
            {% if not loop.last %}union all{% endif %}
        {%- endfor %}
    {%- else %}
        select null::text as violation
        where false
    {%- endif %}
{%- endmacro %}
