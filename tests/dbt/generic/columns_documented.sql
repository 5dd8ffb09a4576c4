{#-
    Every column the built relation has is documented in its YAML, and every
    documented column exists. For the tables and views BI reads, where an
    undocumented column is a column nobody can trust.
-#}
{% test columns_documented(model) %}

{%- set violations = [] -%}
{%- if execute -%}
    {%- set nodes = [] -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model'
        and node.schema == model.schema
        and node.alias == model.identifier -%}
        {%- do nodes.append(node) -%}
    {%- endfor -%}
    {%- if nodes -%}
        {%- set documented = nodes[0].columns -%}
        {%- set built = [] -%}
        {%- for column in adapter.get_columns_in_relation(model) -%}
            {%- do built.append(column.name) -%}
            {%- if column.name not in documented
                or not (documented[column.name].description | trim) -%}
                {%- do violations.append(
                    model.identifier ~ '.' ~ column.name ~ ' is not documented'
                ) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- for name in documented if name not in built -%}
            {%- do violations.append(
                model.identifier ~ ' documents ' ~ name ~ ', a column it does not have'
            ) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endif -%}

{{ violations_sql(violations) }}

{% endtest %}
