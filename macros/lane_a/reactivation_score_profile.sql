{#-
    Everything a Lane A score reads from one meeting, as one text: meetings
    with the same profile get the same score and reason codes, so scoring is
    done once per profile (int_reactivation__score_components) and joined back
    by this key (reactivation_intent). The free-text reason goes last, so a '|'
    inside it cannot make two profiles look alike; concat_ws leaves a missing
    reason out.
-#}
{% macro reactivation_score_profile(relation) -%}
    concat_ws(
        '|',
        {{ relation }}.meeting_outcome,
        {{ relation }}.meeting_type,
        {{ relation }}.days_since_meeting,
        {{ relation }}.meetings_to_date,
        {{ relation }}.people_id is not null,
        {{ relation }}.touches_since_meeting,
        {{ relation }}.stalled_reason
    )
{%- endmacro %}
