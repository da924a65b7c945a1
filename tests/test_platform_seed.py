"""Following the unmapped-platform alert's advice works: a new platform added to the platform seed, with its names
in the alias seed, is published.

And a seed mistake that fails a dbt test gives a one-line reason naming that test. Both tests edit the
repository's seeds/platforms.csv and seeds/platform_aliases.csv for the length of one run and put them back byte
for byte, so they are marked serial: a pipeline run of another test worker would read the edited seeds (`make test`
runs them after).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from orchestration.runner import run_main_job
from orchestration.settings import SEEDS_DIR
from tests.conftest import FIXTURE_LANDING, fixture_landing, make_settings

pytestmark = pytest.mark.serial

CF_NAME = "childfocus_cases_20260301.csv"
BLUESKY_ROW = (
    "CF-2026-000200;04/02/2026 09:00;;Chat;Slachtoffer;15;V;Antwerpen;NL;Deepnude;Ja;Bluesky;Kennis;"
    "Lotte Maes;+32 474 55 66 77;lotte.maes@example.be;Nepfoto gedeeld."
)


@pytest.fixture
def alias_seed() -> Iterator[Path]:
    """The alias seed; the platform seed beside it is put back too."""
    seeds = [SEEDS_DIR / "platform_aliases.csv", SEEDS_DIR / "platforms.csv"]
    originals = [seed.read_bytes() for seed in seeds]
    try:
        yield seeds[0]
    finally:
        for seed, original in zip(seeds, originals):
            seed.write_bytes(original)


def add_aliases(seed: Path, *rows: str) -> None:
    text = seed.read_text()
    seed.write_text(text + ("" if text.endswith("\n") else "\n") + "\n".join(rows) + "\n")


@pytest.fixture
def landing_with_bluesky(tmp_path: Path) -> Path:
    landing = fixture_landing(tmp_path / "landing", sorted(p.name for p in FIXTURE_LANDING.iterdir()))
    text = (landing / CF_NAME).read_bytes().decode("utf-8-sig").rstrip("\r\n")
    newline = "\r\n" if "\r\n" in text else "\n"
    (landing / CF_NAME).write_bytes((text + newline + BLUESKY_ROW + newline).encode("utf-8-sig"))
    return landing


def test_a_platform_added_to_the_alias_seed_is_published(
    alias_seed: Path, landing_with_bluesky: Path, tmp_path: Path
) -> None:
    add_aliases(SEEDS_DIR / "platforms.csv", "bluesky,14,")  # no colour: the report gives it a spare one
    add_aliases(alias_seed, "bluesky,bluesky", "bsky,bluesky")
    settings = make_settings(landing_with_bluesky, tmp_path / "warehouse")
    outcome = run_main_job(settings)
    assert outcome.success, outcome.reason
    with duckdb.connect(str(settings.published_db), read_only=True) as conn:
        platforms = {row[0] for row in conn.execute("SELECT DISTINCT platform FROM platform_monthly").fetchall()}
    assert "bluesky" in platforms


def test_a_failing_dbt_test_is_named_in_the_one_line_reason(
    alias_seed: Path, landing_with_bluesky: Path, tmp_path: Path
) -> None:
    add_aliases(alias_seed, "bluesky,Other")  # not a vocabulary member: `other` is what unknown names count as
    add_aliases(alias_seed, "bsky,bluesky")  # a platform seeds/platforms.csv does not list
    settings = make_settings(landing_with_bluesky, tmp_path / "warehouse")
    outcome = run_main_job(settings)
    assert not outcome.success
    assert "\n" not in outcome.reason
    assert "dbt build failed: test " in outcome.reason, outcome.reason
    assert "test vocabulary_member_platform_aliases_platform" in outcome.reason, outcome.reason
    assert "test relationships_platform_aliases_platform" in outcome.reason, outcome.reason
    assert "The dbt CLI process" not in outcome.reason
    assert not settings.published_db.exists()
