{#-
    The day (and instant) scores are computed for: today, unless the `as_of`
    var pins it (unit tests, or re-scoring a past day) - then noon UTC that day.
-#}
{% macro lanes_as_of_date() -%}
    {%- if var('as_of', none) -%}
        date '{{ var("as_of") }}'
    {%- else -%}
        current_date
    {%- endif -%}
{%- endmacro %}

{% macro lanes_as_of_timestamp() -%}
    {%- if var('as_of', none) -%}
        (timestamp '{{ var("as_of") }} 12:00' at time zone 'utc')
    {%- else -%}
        now()
    {%- endif -%}
{%- endmacro %}

{#-
    "Now" for the ready views, evaluated at query time. A session may set
    `lanes.now` to preview the queue at another moment
    (`set lanes.now = '2027-01-15 09:00+00'`); unset, it is now().
-#}
{% macro lanes_query_time() -%}
    coalesce(nullif(current_setting('lanes.now', true), '')::timestamptz, now())
{%- endmacro %}
