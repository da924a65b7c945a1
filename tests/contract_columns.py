"""The contract's export columns, written out here on purpose (not imported from the generator or the readers),
so the tests that write or check exports hold both to the contract independently."""

CHILDFOCUS_HEADER = [
    "Dossiernummer",
    "Datum opening",
    "Datum afsluiting",
    "Kanaal",
    "Melder",
    "Leeftijd slachtoffer",
    "Geslacht slachtoffer",
    "Provincie",
    "Taal",
    "Type feiten",
    "AI-gegenereerd",
    "Platformen",
    "Relatie dader",
    "Naam melder",
    "Telefoon melder",
    "E-mail melder",
    "Samenvatting",
]
TAKEDOWN_HEADER = [
    "request_id",
    "case_ref",
    "platform",
    "content_type",
    "submitted_at",
    "acknowledged_at",
    "resolved_at",
    "outcome",
]
