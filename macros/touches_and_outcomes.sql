{#-
    What came back from each send, the rule both lanes' outcomes models share: the
    CTEs `replies` and `credited_touches`, read from the model's own `sent` (one row
    per send: touch_id, the subject, touched_at, touched_on, next_sent_at),
    `outreach_events` (touch_events_as_of) and `meetings` (meeting_date and the
    lane's meeting key).

    replied: a reply from the same subject after the send (at the same moment counts:
    a file that gives dates only puts a send and a same-day reply at the same noon) and
    before the next send. A new meeting dated after the send's day and within
    `window_days` is credited to the latest send before it: one meeting, one credit.
    `same_prospect` says which meetings are the send's prospect's; `warm_when`, where
    given, marks a credited meeting as warm (credited_touches.met_warm).
-#}
{% macro outcome_credit_ctes(
    reply_subject, meeting_key, same_prospect, window_days, warm_when=none
) -%}
    replies as (
        select
            sent.touch_id,
            min(outreach_events.touched_at) as first_reply_at
        from sent
        inner join outreach_events
            on
                sent.{{ reply_subject }} = outreach_events.{{ reply_subject }}
                and outreach_events.touch_event = 'replied'
                and sent.touched_at <= outreach_events.touched_at
                and (
                    sent.next_sent_at is null
                    or sent.next_sent_at > outreach_events.touched_at
                )
        group by sent.touch_id
    ),

    -- Every (new meeting, earlier send to the same prospect within the window).
    candidate_credits as (
        select
            meetings.{{ meeting_key }} as credited_meeting_key,
            meetings.meeting_date,
            {{ warm_when if warm_when else 'false' }} as is_warm,
            sent.touch_id,
            sent.touched_at
        from meetings
        inner join sent
            on
                {{ same_prospect }}
                and meetings.meeting_date > sent.touched_on
                and meetings.meeting_date <= sent.touched_on + {{ window_days }}
    ),

    credits as (
        select distinct on (credited_meeting_key)
            credited_meeting_key,
            meeting_date,
            is_warm,
            touch_id
        from candidate_credits
        order by credited_meeting_key asc, touched_at desc, touch_id desc
    ),

    credited_touches as (
        select
            touch_id,
            min(meeting_date) as first_meeting_date,
            (array_agg(credited_meeting_key order by meeting_date, credited_meeting_key))[1]
                as first_meeting_key,
            bool_or(is_warm) as met_warm
        from credits
        group by touch_id
    )
{%- endmacro %}

{#-
    A lane's touch events (sent, planned, replied, bounced, unsubscribed) recorded by
    the as-of moment: later ones do not exist for the score or its outcomes.
-#}
{% macro touch_events_as_of(touches, subject) -%}
    select
        touch_id,
        {{ subject }},
        channel,
        touched_at,
        touch_event
    from {{ touches }}
    where touched_at <= {{ lanes_as_of_timestamp() }}
{%- endmacro %}

{#- Each send (int_*__sends, a planned touch and its confirmation are one) as a touch. -#}
{% macro sends_as_touches(sends, subject) -%}
    select
        send_id as touch_id,
        {{ subject }},
        channel,
        sent_at as touched_at
    from {{ sends }}
{%- endmacro %}

{#- The channel of each subject's latest touch (the next message alternates from it). -#}
{% macro last_touch_channel(touches, subject) -%}
    select distinct on ({{ subject }})
        {{ subject }},
        channel as last_touch_channel
    from {{ touches }}
    order by {{ subject }} asc, touched_at desc, touch_id desc
{%- endmacro %}

{#-
    Each stored meeting's latest revision loaded by the as-of moment: a CRM re-export
    may revise a write-once meeting's `columns`; the latest revision is the meeting
    as it stands.
-#}
{% macro latest_revisions(revisions, key, columns) -%}
    select distinct on ({{ key }})
        {{ key }},
        {{ columns | join(',\n        ') }}
    from {{ revisions }}
    where revised_at <= {{ lanes_as_of_timestamp() }}
    order by {{ key }} asc, revised_at desc, revision_id desc
{%- endmacro %}

{#-
    Per subject: its touches on or after `since_column` of `since` (the meeting the
    touches follow; with no such date, all count) and its latest touch.
-#}
{% macro touch_summary(touches, subject, since, since_column) -%}
    select
        touches.{{ subject }},
        count(*) filter (
            where
                since.{{ since_column }} is null
                or touches.touched_at >= since.{{ since_column }}
        ) as touches_since,
        max(touches.touched_at) as last_touched_at
    from {{ touches }} as touches
    left join {{ since }} as since
        on touches.{{ subject }} = since.{{ subject }}
    group by touches.{{ subject }}
{%- endmacro %}

{#- Per subject, its latest reply (a person takes it from there). -#}
{% macro latest_replies(events, subject) -%}
    select
        {{ subject }},
        max(touched_at) as last_replied_at
    from {{ events }}
    where touch_event = 'replied'
    group by {{ subject }}
{%- endmacro %}

{#-
    The subjects whose email bounced and still holds: a bounce holds until a later
    file brings a new email (`contacts`.email_changed_at, set by a trigger); a bounce
    recorded before the email last changed was for the old address.
-#}
{% macro live_email_bounces(events, subject, contacts, contact_key) -%}
    select distinct events.{{ subject }}
    from {{ events }} as events
    left join {{ contacts }} as contacts
        on events.{{ subject }} = contacts.{{ contact_key }}
    where
        events.touch_event = 'bounced'
        and events.channel = 'email'
        and (contacts.email_changed_at is null or events.touched_at >= contacts.email_changed_at)
{%- endmacro %}
