"""One reader per source, each over the shared staging engine (orchestration/ingestion/staging.py); which
source uses which: orchestration/sources.py."""
