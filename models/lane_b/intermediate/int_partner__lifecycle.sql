-- Where each partner stands, the first matching rule deciding (docs/scoring.md):
-- paused, awaiting_reply (the partner replied: a person answers now),
-- unreachable (no address left: no email, or it bounced, and no LinkedIn),
-- completed (enough touches since the last meeting), pending (touched or met
-- too recently; cooling_off_until says when that ends), else active.
-- lifecycle_status is the status without the pause: the ready view reads pauses
-- itself at query time.

with

facts as (
    select
        fractional_cfo_id,
        last_meeting_date,
        touches_since_last_meeting,
        last_touched_at,
        has_reply_on_hold,
        has_email,
        has_linkedin,
        is_paused
    from {{ ref('int_partner__partner_facts') }}
),

waits as (
    select
        fractional_cfo_id,
        is_paused,
        coalesce(has_reply_on_hold, false) as is_awaiting_reply,
        has_email is false and has_linkedin is false as is_unreachable,
        touches_since_last_meeting
        >= {{ var('partner_completed_after_touches') }} as is_completed,
        -- greatest() skips nulls: the later of the two waits wins.
        greatest(
            case
                when
                    last_touched_at
                    + interval '{{ var("partner_touch_cooling_days") }} days'
                    > {{ lanes_as_of_timestamp() }}
                    then
                        last_touched_at
                        + interval '{{ var("partner_touch_cooling_days") }} days'
            end,
            case
                when
                    last_meeting_date + {{ var('partner_meeting_cooling_days') }}
                    > {{ lanes_as_of_date() }}
                    then
                        (
                            last_meeting_date + {{ var('partner_meeting_cooling_days') }}
                        )::timestamptz
            end
        ) as wait_until
    from facts
),

lifecycles as (
    select
        fractional_cfo_id,
        is_paused,
        case
            when is_awaiting_reply then 'awaiting_reply'
            when is_unreachable then 'unreachable'
            when is_completed then 'completed'
            when wait_until is not null then 'pending'
            else 'active'
        end as lifecycle_status,
        case
            when not is_completed and not is_awaiting_reply and not is_unreachable
                then wait_until
        end
            as cooling_off_until
    from waits
)

select
    fractional_cfo_id,
    case when is_paused then 'paused' else lifecycle_status end as status,
    lifecycle_status,
    cooling_off_until
from lifecycles
