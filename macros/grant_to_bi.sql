{#-
    Post-hook of every model (configured once, in dbt_project.yml): a view built in
    the bit schema, the one BI reads, is granted to the BI role; the intent tables
    behind the views are not (BI reads them through the views). Renders nothing for
    any other model (dbt skips an empty hook), and skips the grant when the role does
    not exist (a database where roles could not be created).
-#}
{% macro grant_to_bi() -%}
    {%- if this.schema == 'bit' and model.config.materialized == 'view' -%}
        do $grant$
        begin
            if exists (select 1 from pg_roles where rolname = 'lanes_bi') then
                execute 'grant select on {{ this }} to lanes_bi';
            end if;
        end
        $grant$
    {%- endif -%}
{%- endmacro %}
