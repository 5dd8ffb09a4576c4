{#-
    A message template with its placeholders filled in for one row:
    {first_name} and {company_name}, or "there" / "your team" when unknown,
    so a line never reaches a prospect with a raw placeholder in it.
-#}
{% macro render_message(template, first_name, company_name) -%}
    replace(
        replace({{ template }}, '{first_name}', coalesce(nullif(btrim({{ first_name }}), ''), 'there')),
        '{company_name}',
        coalesce(nullif(btrim({{ company_name }}), ''), 'your team')
    )
{%- endmacro %}
