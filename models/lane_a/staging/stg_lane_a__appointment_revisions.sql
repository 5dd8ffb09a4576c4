-- Lane A's meeting revisions, renamed (macros/staging.sql).
{{ stg_revisions(
    source('sales', 'appointment_revisions'),
    'appointment_uid',
    [
        'meeting_type::text as meeting_type',
        'meeting_outcome::text as meeting_outcome',
        'stalled_reason',
    ],
) }}
