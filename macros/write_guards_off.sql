{#-
    The write-once and audit triggers (shq.write_guards) on the given schemas
    that are not enabled: a table owner ran `alter table ... disable trigger`
    (or dropped one), so history could be changed or written unaudited.
-#}
{% macro write_guards_off(schemas) -%}
    select
        table_name,
        trigger_name,
        state
    from shq.write_guards
    where
        state <> 'enabled'
        and split_part(table_name, '.', 1) in (
            {%- for schema in schemas %}'{{ schema }}'{{ ", " if not loop.last }}{% endfor -%}
        )
{%- endmacro %}
