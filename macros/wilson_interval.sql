{#-
    The 95% Wilson score interval of a rate `successes` / `trials` (z = 1.96):
    honest for small counts, where "3 of 4" is not 75% but somewhere between
    30% and 95%. Null when there are no trials.
-#}
{% macro wilson_low(successes, trials, z=1.96) -%}
    {{ _wilson(successes, trials, z, '-') }}
{%- endmacro %}

{% macro wilson_high(successes, trials, z=1.96) -%}
    {{ _wilson(successes, trials, z, '+') }}
{%- endmacro %}

{% macro _wilson(successes, trials, z, sign) -%}
    case when {{ trials }} > 0 then round((
        ({{ successes }}::numeric / {{ trials }} + {{ z }} ^ 2 / (2 * {{ trials }}))
        {{ sign }} {{ z }} * sqrt(
            ({{ successes }}::numeric / {{ trials }})
            * (1 - {{ successes }}::numeric / {{ trials }}) / {{ trials }}
            + {{ z }} ^ 2 / (4 * {{ trials }}::numeric ^ 2)
        )
    ) / (1 + {{ z }} ^ 2 / {{ trials }}), 4) end
{%- endmacro %}
