-- Takedown request rows: instants kept as TIMESTAMPTZ (durations), plus the local submission time.
-- case_key is the 128-bit pseudonym (UHUGEINT) of the case reference, NULL when the request names none.
select
    load_id,
    source_file,
    export_date,
    row_number,
    request_id,
    case_key,
    platform_name,  -- hash and shape of the normalised name (never as typed); NULL when empty
    content_type as content_type_code,
    submitted_at,
    timezone('Europe/Brussels', submitted_at) as submitted_at_local,
    acknowledged_at,
    resolved_at,
    outcome as outcome_code
from {{ source('raw', 'takedown_requests') }}
