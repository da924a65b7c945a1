"""Every value the helpline marts publish as NULL, decided over the three marts at once (primary and secondary
suppression): the method is orchestration/disclosure/protection.py over suppression.py's grid, explained in their
docstrings."""


def model(dbt, session):
    from orchestration.disclosure.protection import protect
    from orchestration.disclosure.suppression import suppressed_cells

    dbt.config(materialized="table")
    k = int(dbt.config.get("suppression_k"))
    platform_monthly = dbt.ref("int_platform_monthly_cells").df()
    demographics = dbt.ref("int_victim_demographics_cells").df()
    return suppressed_cells(platform_monthly, demographics, k, method=protect)
