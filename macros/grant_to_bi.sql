{#-
    Post-hook for the ready views: let the BI role read them. Skipped when the
    role does not exist (a database where roles could not be created).
-#}
{% macro grant_to_bi() -%}
    do $grant$
    begin
        if exists (select 1 from pg_roles where rolname = 'lanes_bi') then
            execute 'grant select on {{ this }} to lanes_bi';
        end if;
    end
    $grant$
{%- endmacro %}
