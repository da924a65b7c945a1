"""Which export files are in the landing folder: the file name tells the source and the date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

SOURCES = ("childfocus", "igvm", "takedown", "survey", "dsa")

_PATTERNS = {
    "childfocus": re.compile(r"^childfocus_cases_(?P<date>\d{8})\.csv$"),
    "igvm": re.compile(r"^igvm_reports_(?P<date>\d{8})\.jsonl$"),
    "takedown": re.compile(r"^takedown_requests_(?P<date>\d{8})\.csv$"),
    "survey": re.compile(r"^survey_(?P<wave>[A-Za-z0-9-]+?)(?:_qualtrics\.csv|\.sav)$"),
    # dsa: the EU DSA Transparency Database's daily dump (orchestration/ingestion/dsa/)
    "dsa": re.compile(r"^sor-global-(?P<date>\d{4}-\d{2}-\d{2})-full\.zip$"),
}


@dataclass(frozen=True)
class LandedFile:
    path: Path
    source: str
    export_date: date | None  # helpline sources: the date in the file name
    wave: str | None  # survey: the wave in the file name

    @property
    def name(self) -> str:
        return self.path.name


def classify(path: Path) -> LandedFile | None:
    """The source of a landing file from its name; None for names no source uses."""
    for source, pattern in _PATTERNS.items():
        match = pattern.match(path.name)
        if not match:
            continue
        if source == "survey":
            return LandedFile(path, source, None, match["wave"])
        try:
            return LandedFile(path, source, datetime.strptime(match["date"].replace("-", ""), "%Y%m%d").date(), None)
        except ValueError:
            return None
    return None


def discover(landing_dir: Path, source: str) -> list[LandedFile]:
    """The source's files, oldest export first (survey: by wave, then name)."""
    found = [f for p in sorted(landing_dir.iterdir()) if p.is_file() and (f := classify(p)) and f.source == source]
    return sorted(found, key=lambda f: (f.export_date or date.min, f.wave or "", f.name))


def unrecognised(landing_dir: Path) -> list[Path]:
    """Files no source claims (reported, never loaded)."""
    return [p for p in sorted(landing_dir.iterdir()) if p.is_file() and not p.name.startswith(".") and classify(p) is None]
