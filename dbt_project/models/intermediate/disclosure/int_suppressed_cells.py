"""Every value the helpline marts publish as NULL, decided over the three marts at once (primary and secondary
suppression): the method is orchestration/disclosure/protection.py over suppression.py's grid, explained in their
docstrings. The pattern is a pure function of the cells, k and that code: when their fingerprint is the one the
table was last built from (a run with nothing new), the table is kept as it is instead of being decided again."""


def model(dbt, session):
    from orchestration.disclosure.memo import frames_fingerprint
    from orchestration.disclosure.protection import protect
    from orchestration.disclosure.suppression import PM_DIMS, VDQ_DIMS, suppressed_cells

    dbt.config(materialized="table")
    k = int(dbt.config.get("suppression_k"))
    platform_monthly = dbt.ref("int_platform_monthly_cells").df()
    demographics = dbt.ref("int_victim_demographics_cells").df()
    fingerprint = frames_fingerprint([(platform_monthly, PM_DIMS), (demographics, VDQ_DIMS)], k)
    try:
        previous = session.execute(f"SELECT * FROM {dbt.this}").df()
    except Exception:  # noqa: BLE001 (a first build: no table yet, or one from before the fingerprint)
        previous = None
    built_from = (
        set(previous["input_fingerprint"]) if previous is not None and "input_fingerprint" in previous else set()
    )
    if built_from == {fingerprint}:  # an empty pattern is decided again: it costs nothing
        return previous
    cells = suppressed_cells(platform_monthly, demographics, k, method=protect)
    return cells.assign(input_fingerprint=fingerprint)
