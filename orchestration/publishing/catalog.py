"""What each published table is: its description, its grain and its columns' descriptions.

The marts are documented once, in the dbt model YAML (`dbt_project/models/marts/**/_*__models.yml`,
with `{{ doc('...') }}` blocks in `docs.md`). Publishing copies these texts into `published.duckdb`
as table and column comments, so they travel with the file into every tool that opens it; the grain
(the `unique_combination` test's columns) is the order exports are sorted in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from orchestration.settings import DBT_PROJECT_DIR

MARTS_MODELS_DIR = DBT_PROJECT_DIR / "models" / "marts"
DOCS_BLOCK = re.compile(r"{%\s*docs\s+(\w+)\s*%}(.*?){%\s*enddocs\s*%}", re.S)
DOC_REF = re.compile(r"{{\s*doc\(\s*['\"](\w+)['\"]\s*\)\s*}}")


@dataclass(frozen=True)
class TableDoc:
    description: str
    grain: tuple[str, ...]
    columns: dict[str, str] = field(default_factory=dict)


# The monitoring tables are written by Python (orchestration/monitoring/store.py, whose DDL these follow), not dbt.
MONITORING_DOCS = {
    "monitoring_checks": TableDoc(
        "Every drift, volume, missing-rate, unmapped-value and freshness check of every run, with its statistic, "
        "threshold and status (ok, warn, error, skipped).",
        ("checked_at", "source", "check_name", "subject"),
        {
            "run_id": "The run that made the check.",
            "checked_at": "When the check ran (UTC).",
            "source": "The source checked (childfocus, igvm, takedown, survey).",
            "check_name": "freshness, volume, distribution_shift, missing_rate or unmapped_value.",
            "subject": "The dimension or field the result is about; an unknown value only by its keyed hash.",
            "period": "The month checked: the latest complete month before the source's newest export.",
            "baseline_months": "Trailing months with data the period was compared with.",
            "statistic": "PSI, robust z, percentage points, days or a count; NULL when skipped or below k.",
            "threshold": "Where the statistic starts to warn.",
            "status": "ok, warn, error or skipped.",
            "detail": "One sentence for people.",
        },
    ),
    "alerts": TableDoc(
        "Alerts raised by the checks and by blocked or failed runs, with their state (open, cleared) and "
        "delivery state.",
        ("raised_at", "alert_id"),
        {
            "kind": "drift, publication_blocked (a quality check failed), disclosure_audit (the disclosure audit "
            "refused the publication) or run_failed.",
            "status": "warn or error.",
            "state": "open or cleared.",
            "raised_at": "When the condition was first seen (UTC).",
            "last_seen_at": "When a run last saw the condition (UTC).",
            "cleared_at": "When a run no longer saw it (UTC); NULL while open.",
            "delivery_state": "pending, delivered or log_only (no webhook configured).",
        },
    ),
}


@cache
def table_docs(models_dir: Path = MARTS_MODELS_DIR) -> dict[str, TableDoc]:
    """Every mart's documentation as dbt renders it (doc blocks resolved), plus the monitoring tables'."""
    blocks = {
        name: " ".join(text.split())
        for md in DBT_PROJECT_DIR.joinpath("models").rglob("*.md")
        for name, text in DOCS_BLOCK.findall(md.read_text(encoding="utf-8"))
    }
    docs: dict[str, TableDoc] = dict(MONITORING_DOCS)
    for path in sorted(models_dir.rglob("_*__models.yml")):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []):
            columns = {c["name"]: _render(c.get("description", ""), blocks) for c in model.get("columns", [])}
            docs[model["name"]] = TableDoc(_render(model.get("description", ""), blocks), _grain(model), columns)
    return docs


def table_doc(table: str) -> TableDoc:
    return table_docs().get(table, TableDoc("", ()))


def _grain(model: dict) -> tuple[str, ...]:
    for test in model.get("data_tests", []) or []:
        if isinstance(test, dict) and "unique_combination" in test:
            spec = test["unique_combination"] or {}
            return tuple((spec.get("arguments") or spec).get("columns", ()))
    return ()


def _render(text: str, blocks: dict[str, str]) -> str:
    return " ".join(DOC_REF.sub(lambda m: blocks.get(m.group(1), ""), text or "").split())
