-- IGVM report rows: flattened names, Europe/Brussels local times. Codes stay as exported.
-- case_key is the 128-bit pseudonym (UHUGEINT) ingestion wrote.
select
    load_id,
    source_file,
    export_date,
    row_number,
    report_key as case_key,
    timezone('Europe/Brussels', submitted_at) as opened_at_local,
    channel as channel_code,
    victim_age,
    victim_gender as victim_gender_code,
    victim_region as region_code,
    incident_type as incident_type_code,
    incident_ai_generated as ai_generated,
    coalesce(incident_platform_names, []) as platform_names,  -- hash and shape of each name, never as typed
    incident_offender as offender_code,
    status as status_code
from {{ source('raw', 'igvm_reports') }}
