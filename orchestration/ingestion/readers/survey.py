"""Reader of the youth survey extracts: Qualtrics CSV (three header rows) or SPSS .sav.

Both give the same respondent rows: numeric answer codes (the codes are kept, so both formats
load identically), `Finished`, and the weight. Unfinished responses are loaded with their flag
and left out by the models. Survey defects are row-level (a respondent is one row and every
estimate weighs the whole row): a finished response whose weight is missing, not a finite
number, zero, negative or over MAX_WEIGHT, or with an answer code the questionnaire does not
have, goes to quarantine (the code named only by its descriptor, see `orchestration/privacy.py`: a
respondent may type anything into a field). A file is rejected when it lacks the weight or question columns, has
no rows, is a Qualtrics CSV without its three header rows (names, question text, ImportId:
with one, pandas would take the first two respondents for header rows), or is a .sav whose
value labels say another thing than `seeds/survey_value_labels.csv` (a swapped gender label
would silently swap every gender figure).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from orchestration.ingestion.errors import FileRejected
from orchestration.ingestion.landing import LandedFile
from orchestration.ingestion.staging import ReadResult
from orchestration.privacy import describe
from orchestration.vocabularies import survey_value_labels, valid_survey_codes

QUESTIONS = [
    "Q1",
    "Q2",
    "Q3",
    "Q10",
    "Q11",
    "Q12",
    "Q13",
    *[f"Q15_{i}" for i in range(1, 10)],
    *[f"Q16_{i}" for i in range(1, 6)],
    "Q17",
]
REQUIRED = ["ResponseId", "Finished", *QUESTIONS, "weight"]
# Q1 is the respondent's age in years (a number, not a labelled code): the ages the survey is put to.
SURVEY_AGES = frozenset(range(15, 26))
# Post-stratification weights are scaled to a mean near 1 and usually trimmed to a few units; 100
# leaves room for any real design while a typo (1e308) can no longer overflow the weighted sums.
MAX_WEIGHT = 100.0
QUALTRICS_IMPORT_ID = '{"ImportId"'


def _normal(label: str) -> str:
    return " ".join(str(label).casefold().split())


def valid_codes() -> dict[str, set[int]]:
    """The valid answer codes of each question: the codes seeds/survey_value_labels.csv labels (a multi-select
    option is 1, selected, or empty; some exports write 0, labelled "not selected"), and Q1 the survey's ages."""
    labelled = valid_survey_codes()
    unlabelled = [q for q in QUESTIONS if q != "Q1" and q not in labelled]
    if unlabelled:
        raise ValueError(f"seeds/survey_value_labels.csv labels no code of {', '.join(unlabelled)}")
    return {question: set(SURVEY_AGES) if question == "Q1" else labelled[question] for question in QUESTIONS}


def _codebook_labels() -> dict[str, dict[str, int]]:
    """variable -> normalised label -> the code it names, from seeds/survey_value_labels.csv."""
    labels: dict[str, dict[str, int]] = {}
    for variable, code, label in survey_value_labels():
        labels.setdefault(variable, {})[_normal(label)] = code
    return labels


def check_value_labels(value_labels: dict[str, dict]) -> None:
    """Reject a .sav whose value labels disagree with the codebook; the reason names variable and codes only."""
    codebook = _codebook_labels()
    for variable, labels in value_labels.items():
        known = codebook.get(variable)
        if known is None:
            continue
        for code, label in sorted(labels.items()):
            meant = known.get(_normal(label))
            code_text = f"{code:g}" if isinstance(code, float) else str(code)
            if meant is None:
                raise FileRejected(
                    f"value label of {variable} code {code_text} is not in seeds/survey_value_labels.csv"
                    " (new wording: add it there; otherwise check the export)"
                )
            if meant != code:
                raise FileRejected(
                    f"value labels of {variable} differ from the codebook: code {code_text} is labelled "
                    f"as code {meant} (codes swapped?)"
                )


def _check_qualtrics_header(path: Path) -> None:
    """A Qualtrics CSV has three header rows; the third holds an ImportId in every column."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = [row for _, row in zip(range(3), csv.reader(handle))]
    if len(rows) < 3 or not rows[2] or not rows[2][0].strip().startswith(QUALTRICS_IMPORT_ID):
        raise FileRejected(
            "expected a Qualtrics export with three header rows (names, question text, "
            "ImportId); the third row is not the ImportId row"
        )


def read_frame(landed: LandedFile) -> pd.DataFrame:
    """The respondent rows of either format, every cell as text ('' for empty)."""
    path = landed.path
    try:
        if path.suffix == ".sav":
            import pyreadstat

            frame, meta = pyreadstat.read_sav(str(path), apply_value_formats=False, user_missing=False)
            check_value_labels(meta.variable_value_labels)
            frame = frame.astype(object).where(frame.notna(), "")
            return frame.map(_sav_text)
        _check_qualtrics_header(path)
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

    def flag(mask: pd.Series, field: str, reason: str | pd.Series) -> None:
        new = mask & problems.isna()
        problems[new] = reason[new] if isinstance(reason, pd.Series) else reason
        fields[new] = field

    flag(rows["response_id"] == "", "ResponseId", "missing ResponseId")
    flag(~rows["finished"].isin([0, 1]), "Finished", "Finished is not 0 or 1")
    valid = valid_codes()
    for question in QUESTIONS:
        values = _codes(frame[question])
        unreadable = frame[question].str.strip().ne("") & values.isna()
        bad = unreadable | (values.notna() & ~values.isin(valid[question]))
        named = (
            frame[question]
            .str.strip()[bad]
            .map(lambda code, question=question: f"unknown answer code in {question}: {describe(code, key)}")
        )
        flag(bad, question, named.reindex(frame.index))
        rows[question.lower()] = values.astype("Int16")
    text = frame["weight"].str.strip()
    weight = pd.to_numeric(text.replace("", np.nan), errors="coerce")
    finished = rows["finished"] == 1
    finite = weight.map(lambda w: math.isfinite(w) if pd.notna(w) else False).astype(bool)
    flag(finished & text.ne("") & ~finite, "weight", "weight not a finite number")
    flag(finished & ~(weight > 0), "weight", "weight missing, zero or negative")
    flag(finished & (weight > MAX_WEIGHT), "weight", f"weight over {MAX_WEIGHT:g} (not a post-stratification weight)")
    rows["weight"] = weight.where(finite & (weight > 0) & (weight <= MAX_WEIGHT))
    flag(
        rows["response_id"].duplicated() & rows["response_id"].ne(""), "ResponseId", "duplicate ResponseId in this file"
    )
    rows["finished"] = rows["finished"].astype("Int16")

    good = rows[problems.isna()]
    rejects = pd.DataFrame({"row_number": rows["row_number"], "field": fields, "reason": problems, "level": "row"})[
        problems.notna()
    ]
    for name, table in (("staged_rows", good), ("staged_rejects", rejects)):
        conn.register("_frame", table)
        conn.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _frame")
        conn.unregister("_frame")
    return ReadResult(len(frame))
