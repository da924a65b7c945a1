-- Child Focus case rows: English names, Europe/Brussels local times. Codes stay as exported.
-- case_key is the 128-bit pseudonym (UHUGEINT) ingestion wrote; platform names are descriptors (hash, shape).
select
    load_id,
    source_file,
    export_date,
    row_number,
    dossier_key as case_key,
    timezone('Europe/Brussels', datum_opening) as opened_at_local,
    timezone('Europe/Brussels', datum_afsluiting) as closed_at_local,
    kanaal as channel_code,
    melder as reporter_code,
    leeftijd_slachtoffer as victim_age,
    geslacht_slachtoffer as victim_gender_code,
    provincie as province_code,
    taal as language_code,
    type_feiten as incident_type_code,
    ai_gegenereerd as ai_generated_code,
    coalesce(platform_names, []) as platform_names,  -- normalised names as hash and shape, never as typed
    relatie_dader as offender_code
from {{ source('raw', 'childfocus_cases') }}
