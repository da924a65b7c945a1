"""Reader of the youth survey extracts: Qualtrics CSV (three header rows) or SPSS .sav.

Both give the same respondent rows: numeric answer codes (the .sav's value labels are read
but the codes are kept, so both formats load identically), `Finished`, and the weight.
Unfinished responses are loaded with their flag and left out by the models.
A finished response whose weight is missing, zero or negative, or with an answer code the
questionnaire does not have, goes to quarantine. A file without the weight column, without
the question columns, or with no rows is rejected.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from orchestration.ingestion.errors import FileRejected
from orchestration.ingestion.landing import LandedFile
from orchestration.ingestion.readers import ReadResult

QUESTIONS = ["Q1", "Q2", "Q3", "Q10", "Q11", "Q12", "Q13", *[f"Q15_{i}" for i in range(1, 10)],
             *[f"Q16_{i}" for i in range(1, 6)], "Q17"]
REQUIRED = ["ResponseId", "Finished", *QUESTIONS, "weight"]
# Valid answer codes; multi-select options are 1 (selected) or empty, some exports write 0 for "not selected".
VALID_CODES = {
    "Q1": set(range(15, 26)), "Q2": {1, 2, 3, 4}, "Q3": set(range(1, 13)),
    "Q10": {1, 2, 3}, "Q11": {1, 2, 3}, "Q12": {1, 2}, "Q13": {1, 2}, "Q17": {1, 2},
    **{q: {0, 1} for q in QUESTIONS if q.startswith(("Q15_", "Q16_"))},
}


def read_frame(landed: LandedFile) -> pd.DataFrame:
    """The respondent rows of either format, every cell as text ('' for empty)."""
    path = landed.path
    try:
        if path.suffix == ".sav":
            import pyreadstat

            frame, _meta = pyreadstat.read_sav(str(path), apply_value_formats=False, user_missing=False)
            frame = frame.astype(object).where(frame.notna(), "")
            return frame.map(_sav_text)
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", skiprows=[1, 2])
    except FileRejected:
        raise
    except Exception as exc:  # the library's message may quote file content: name only its kind
        raise FileRejected(f"unreadable survey file ({type(exc).__name__})") from None
    if len(frame) and str(frame.iloc[0].get("ResponseId", "")).startswith("{"):
        raise FileRejected("unexpected header rows: expected a Qualtrics export with three header rows")
    return frame


def _sav_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _codes(column: pd.Series) -> pd.Series:
    return pd.to_numeric(column.str.strip().replace("", np.nan), errors="coerce")


def read_survey_into_stage(conn: duckdb.DuckDBPyConnection, landed: LandedFile, key: bytes) -> ReadResult:
    """Leave TEMP staged_rows / staged_rejects for the ledger, like the helpline readers."""
    frame = read_frame(landed)
    missing = [column for column in REQUIRED if column not in frame.columns]
    if missing:
        raise FileRejected(f"missing columns: {', '.join(missing)}")
    if frame.empty:
        raise FileRejected("no respondent rows")
    frame = frame.astype(str)
    rows = pd.DataFrame({"row_number": np.arange(1, len(frame) + 1), "response_id": frame["ResponseId"].str.strip()})
    rows["finished"] = _codes(frame["Finished"])
    problems = pd.Series([None] * len(frame), dtype=object)
    fields = pd.Series([None] * len(frame), dtype=object)

    def flag(mask: pd.Series, field: str, reason: str) -> None:
        new = mask & problems.isna()
        problems[new] = reason
        fields[new] = field

    flag(rows["response_id"] == "", "ResponseId", "missing ResponseId")
    flag(~rows["finished"].isin([0, 1]), "Finished", "Finished is not 0 or 1")
    for question in QUESTIONS:
        values = _codes(frame[question])
        unreadable = frame[question].str.strip().ne("") & values.isna()
        flag(unreadable | (values.notna() & ~values.isin(VALID_CODES[question])), question, f"unknown answer code in {question}")
        rows[question.lower()] = values.astype("Int16")
    weight = pd.to_numeric(frame["weight"].str.strip().replace("", np.nan), errors="coerce")
    flag((rows["finished"] == 1) & ~(weight > 0), "weight", "weight missing, zero or negative")
    rows["weight"] = weight.where(weight > 0)
    flag(rows["response_id"].duplicated() & rows["response_id"].ne(""), "ResponseId", "duplicate ResponseId in this file")
    rows["finished"] = rows["finished"].astype("Int16")

    good = rows[problems.isna()]
    rejects = pd.DataFrame({"row_number": rows["row_number"], "field": fields, "reason": problems,
                            "level": "row"})[problems.notna()]
    for name, table in (("staged_rows", good), ("staged_rejects", rejects)):
        conn.register("_frame", table)
        conn.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _frame")
        conn.unregister("_frame")
    return ReadResult(len(frame))
