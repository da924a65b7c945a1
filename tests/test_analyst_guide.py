"""The README's analyst guide examples run against a real publication."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from tests.conftest import PipelineRun

README = Path(__file__).resolve().parent.parent / "README.md"


def guide_queries() -> list[str]:
    text = README.read_text()
    guide = text[text.index("## Analyst guide"):]
    guide = guide[: guide.index("\n## ", 3)]
    return re.findall(r"```sql\n(.*?)```", guide, re.S)


def test_the_guide_has_three_examples() -> None:
    assert len(guide_queries()) == 3


@pytest.mark.parametrize("index", range(3))
def test_guide_example_runs_and_answers(pipeline_run: PipelineRun, index: int) -> None:
    conn = duckdb.connect(str(pipeline_run.settings.published_db), read_only=True)
    try:
        rows = conn.execute(guide_queries()[index]).fetchall()
    finally:
        conn.close()
    assert len(rows) >= 2
