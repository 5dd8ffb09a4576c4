-- Lane B's partner meeting revisions, renamed (macros/staging.sql).
{{ stg_revisions(
    source('partners', 'partner_appointment_revisions'),
    'partner_appointment_uid',
    [
        'meeting_type::text as meeting_type',
        'outcome::text as meeting_outcome',
        'notes as meeting_notes',
    ],
) }}
