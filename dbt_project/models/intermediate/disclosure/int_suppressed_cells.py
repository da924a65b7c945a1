"""Every value the helpline marts publish as NULL, decided over the three marts at once (primary and secondary
suppression): the method is orchestration/disclosure/protection.py over suppression.py's grid, explained in their
docstrings. No relation crosses a year, so the pattern is decided one year at a time, and a year whose cells, k and
that code have the fingerprint its rows were decided from (a run with nothing new, or an earlier year when a month
lands) keeps its rows instead of being decided again (memo.decided_by_year)."""


def model(dbt, session):
    from functools import partial

    from orchestration.disclosure.memo import decided_by_year
    from orchestration.disclosure.protection import protect
    from orchestration.disclosure.suppression import suppressed_cells

    dbt.config(materialized="table")
    k = int(dbt.config.get("suppression_k"))
    platform_monthly = dbt.ref("int_platform_monthly_cells").df()
    demographics = dbt.ref("int_victim_demographics_cells").df()
    try:
        previous = session.execute(f"SELECT * FROM {dbt.this}").df()
    except Exception:  # noqa: BLE001 (a first build: no table yet)
        previous = None
    decide = partial(suppressed_cells, k=k, method=protect)
    return decided_by_year(platform_monthly, demographics, k, decide, previous)
