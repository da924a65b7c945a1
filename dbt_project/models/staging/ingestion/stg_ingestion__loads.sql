-- One row per landed file ingestion processed (raw.load_ledger): when it was loaded. The incremental
-- intermediate models use `loaded_at` as their watermark (see macros/incremental.sql).
select
    load_id,
    source,
    file_name,
    export_date,
    status,
    loaded_at
from {{ source('raw', 'load_ledger') }}
