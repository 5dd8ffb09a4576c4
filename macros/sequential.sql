{#-
    Always-valid inference on the difference of two rates, read every week.

    A verdict checked at every build with a fixed-horizon test declares a winner
    between two identical messages far more often than its 5% (optional stopping).
    These are the normal-mixture sequential probability ratio test (mSPRT) of Johari,
    Koomen, Pekelis & Walsh, "Peeking at A/B tests" (KDD 2017), and its confidence
    sequence (Robbins' normal mixture; Howard, Ramdas, McAuliffe & Sekhon, Annals of
    Statistics 2021): valid however often and whenever they are read (Ville's inequality).

    For an observed difference d whose variance is v, and a mixing distribution
    N(0, tau2) over the true difference (tau2: the square of the lift the team cares
    about, stated once per lane as *_experiment_min_lift):
        log Λ = ½ ln(v / (v + tau2)) + tau2 d² / (2 v (v + tau2))
        p     = min(1, 1 / Λ)                                   always-valid p-value
        d ± sqrt(2 v (v + tau2) / tau2 · (ln(1 / α) + ½ ln((v + tau2) / v)))
                                                                 confidence sequence
-#}
{#- In double precision: numeric's ln and exp are a hundred times slower. -#}
{% macro always_valid_p(diff, variance, tau2) -%}
    {%- set variance = '(' ~ variance ~ ')::float8' -%}
    {%- set tau2 = '(' ~ tau2 ~ ')::float8' -%}
    case when ({{ variance }}) > 0 then least(1, exp(-(
        0.5 * ln(({{ variance }}) / (({{ variance }}) + {{ tau2 }}))
        + {{ tau2 }} * power({{ diff }}, 2)
        / (2 * ({{ variance }}) * (({{ variance }}) + {{ tau2 }}))
    ))) end
{%- endmacro %}

{% macro always_valid_half_width(variance, tau2, alpha) -%}
    {%- set variance = '(' ~ variance ~ ')::float8' -%}
    {%- set tau2 = '(' ~ tau2 ~ ')::float8' -%}
    {%- set alpha = '(' ~ alpha ~ ')::float8' -%}
    case when ({{ variance }}) > 0 then sqrt(
        2 * ({{ variance }}) * (({{ variance }}) + {{ tau2 }}) / {{ tau2 }}
        * (ln(1 / {{ alpha }}) + 0.5 * ln((({{ variance }}) + {{ tau2 }}) / ({{ variance }})))
    ) end
{%- endmacro %}

{#- The variance of a difference of two rates, each smoothed by one success and one
    failure (so 0 of 120 is not read as certain). -#}
{% macro difference_variance(hits_a, n_a, hits_b, n_b) -%}
    (
        (({{ hits_a }}) + 1)::float8 / (({{ n_a }}) + 2) * (1 - (({{ hits_a }}) + 1)::float8 / (({{ n_a }}) + 2))
        / nullif({{ n_a }}, 0)
        + (({{ hits_b }}) + 1)::float8 / (({{ n_b }}) + 2) * (1 - (({{ hits_b }}) + 1)::float8 / (({{ n_b }}) + 2))
        / nullif({{ n_b }}, 0)
    )
{%- endmacro %}

{#- The variance of the difference at which a true lift of `lift` is declared 4 times in
    5: the largest v (on a 0.2% grid) whose interval's half-width plus 0.8416 standard
    errors (the 80th percentile) is below the lift. It depends on the lift and the level
    only: the sends an arm needs are then (p0 (1 - p0) + p1 (1 - p1)) / v. -#}
{% macro always_valid_decision_variance(lift, tau2, alpha) -%}
    (
        select max(grid.v)
        from (
            select power(({{ lift }})::float8, 2) * power(0.998, k) as v
            from generate_series(0, 6000) as k
        ) as grid
        where {{ always_valid_half_width('grid.v', tau2, alpha) }}
            + 0.841621 * sqrt(grid.v) <= ({{ lift }})::float8
    )
{%- endmacro %}
