"""Find personal data from landing files anywhere in a warehouse folder.

Two nets: the exact names, phones, e-mails and summaries the landing files contain, and
patterns that catch any e-mail address or Belgian mobile number, whoever it belongs to.
"""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

import duckdb
import pandas as pd

# a top-level domain is letters: binary files (dbt's graph.gpickle) hold byte runs like `w@z.j7` by chance.
# The lookbehind starts a match only where a run of address characters starts: the same matches (a match found
# inside a run is found from its start too), without trying every position of every long token again.
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")
PHONE = re.compile(r"\+32\s?4\d\d[\s\d]{6,}")
NAME_PAIR = re.compile(r"[A-ZÀ-Ý][\w'-]+ [A-ZÀ-Ý][\w'-]+")
CELL_SPLIT = re.compile(r"[|\n]")


def landing_pii(landing: Path) -> set[str]:
    """Every personal-data value of the landing files (names, phones, e-mails, summaries)."""
    values: set[str] = set()
    for path in landing.glob("childfocus_cases_*.csv"):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")
        df = pd.read_csv(StringIO(text), sep=";", dtype=str, keep_default_na=False)
        for column in ("Naam melder", "Telefoon melder", "E-mail melder", "Samenvatting"):
            values.update(v for v in df[column] if v)
    for path in landing.glob("igvm_reports_*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue  # a broken line; its values are caught by the e-mail and phone patterns
            values.update(v for v in (record.get("contact") or {}).values() if v)
            if record.get("description"):
                values.add(record["description"])
    return values


def _texts_of_duckdb(path: Path) -> dict[str, str]:
    conn = duckdb.connect(str(path), read_only=True)
    try:
        tables = conn.execute(
            "SELECT table_catalog, table_schema, table_name FROM information_schema.tables"
        ).fetchall()
        texts = {}
        for catalog, schema, table in tables:
            rows = conn.execute(f'SELECT * FROM "{catalog}"."{schema}"."{table}"').fetchall()
            texts[f"{path.name}:{schema}.{table}"] = "\n".join("|".join(map(str, row)) for row in rows)
        return texts
    finally:
        conn.close()


def warehouse_texts(warehouse: Path) -> dict[str, str]:
    """The text of every table of every DuckDB file and of every other file under the folder."""
    texts: dict[str, str] = {}
    for path in sorted(warehouse.rglob("*")):
        if not path.is_file() or path.name.endswith(".wal") or path.name.startswith(".pseudonym"):
            continue
        if path.suffix == ".duckdb":
            texts.update(_texts_of_duckdb(path))
        elif path.suffix == ".parquet":
            rows = duckdb.execute(f"SELECT * FROM read_parquet('{path}')").fetchall()
            texts[str(path)] = "\n".join("|".join(map(str, row)) for row in rows)
        else:
            texts[str(path)] = path.read_bytes().decode("utf-8", errors="replace")
    return texts


def find_pii(warehouse: Path, pii_values: set[str]) -> list[str]:
    """Where personal data was found: `place: what`; empty when the warehouse is clean.

    A leak shows up as a whole cell equal to a landing value, as a capitalised name pair
    from the landing files inside any text, or as anything shaped like an e-mail or phone.
    """
    findings = []
    for place, text in warehouse_texts(warehouse).items():
        for match in EMAIL.findall(text)[:3]:
            findings.append(f"{place}: e-mail {match}")
        for match in PHONE.findall(text)[:3]:
            findings.append(f"{place}: phone {match}")
        cells = set(CELL_SPLIT.split(text)) | set(NAME_PAIR.findall(text))
        for value in sorted(cells & pii_values)[:3]:
            findings.append(f"{place}: {value[:40]!r}")
    return findings
