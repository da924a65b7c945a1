"""Which export files are in the landing folder: the file name tells the source and the date.

The landing rules of the contract start here, before a byte is read:
* only regular files are candidates; symbolic links and folders are never followed (a link can
  point anywhere on the machine), they are noted instead;
* a name whose date is impossible (20260231) or after today (Europe/Brussels, the exports'
  local time) is a landed file that gets rejected, so it can never win "latest export";
* a name that nearly matches a pattern (`.CSV`, ` (1)`, a stray space, `2026-04-01`, a capital
  letter) is a near miss: noted and alerted, never loaded and never silently ignored;
* a file still being written is left for a later run (see `still_changing`).
"""

from __future__ import annotations

import os
import re
import stat
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from orchestration.sources import SOURCES

EXPORT_TIMEZONE = ZoneInfo("Europe/Brussels")
_COPY_SUFFIX = re.compile(r"\s*\(\d+\)(?=\.[^.]+$)|\s*-\s*(copy|kopie|copie)(?=\.[^.]+$)", re.IGNORECASE)
_DASHED_DATE = re.compile(r"(\d{4})[-.](\d{2})[-.](\d{2})")
# Names uploads and downloads use while a file is on its way (renamed when complete): not a near miss.
_IN_TRANSIT = re.compile(r"\.(part|partial|filepart|tmp|temp|crdownload|download|upload)$|~$", re.IGNORECASE)


@dataclass(frozen=True)
class LandedFile:
    path: Path
    source: str
    export_date: date | None  # helpline sources: the date in the file name
    wave: str | None  # survey: the wave in the file name
    problem: str | None = None  # why the name alone makes the file unusable (an impossible or future date)

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class LandingNote:
    """Something in the landing folder that was not loaded, in words for the run summary and alerts.

    `kind` is near_miss, symlink, folder, other_file or still_changing; `source` is the source a
    near miss or a file still being written was meant for (None when no source claims it). Only the
    file name is shown: names are made by operators, never read from a file's content.
    """

    kind: str
    file_name: str
    source: str | None
    note: str


def today_in_belgium() -> date:
    return datetime.now(EXPORT_TIMEZONE).date()


def classify(path: Path, today: date | None = None) -> LandedFile | None:
    """The source of a landing file from its name; None for names no source uses.

    A name with an impossible date, or one after `today`, still belongs to its source: it is a
    landed file with a `problem`, which ingestion rejects.
    """
    for source, declared in SOURCES.items():
        match = declared.pattern.match(path.name)
        if not match:
            continue
        if declared.by_wave:
            return LandedFile(path, source, None, match["wave"])
        digits = match["date"].replace("-", "")
        try:
            export_date = datetime.strptime(digits, "%Y%m%d").date()
        except ValueError:
            return LandedFile(path, source, None, None, f"impossible date {digits} in the file name")
        if export_date > (today or today_in_belgium()):
            return LandedFile(
                path, source, None, None, f"date {export_date:%Y-%m-%d} in the file name is after today (a typo?)"
            )
        return LandedFile(path, source, export_date, None)
    return None


def near_miss(name: str) -> tuple[str, str] | None:
    """(source, what is wrong) when a name no source claims was evidently meant for one."""
    lowered = name.strip().lower()
    declared = next((s for s in SOURCES.values() if lowered.startswith(s.name_start)), None)
    if declared is None:
        return None
    source = declared.name
    problems = []
    fixed = name
    if fixed != fixed.strip():
        problems.append("space at the start or end")
        fixed = fixed.strip()
    if _COPY_SUFFIX.search(fixed):
        problems.append("copy suffix such as ' (1)'")
        fixed = _COPY_SUFFIX.sub("", fixed)
    if " " in fixed:
        problems.append("space inside the name")
        fixed = fixed.replace(" ", "")
    if fixed != fixed.lower() and not declared.by_wave:
        problems.append("capital letters (names are lower case, `.csv` not `.CSV`)")
        fixed = fixed.lower()
    if _DASHED_DATE.search(fixed) and declared.compact_date:
        problems.append("date written with separators (expected YYYYMMDD)")
        fixed = _DASHED_DATE.sub(r"\1\2\3", fixed)
    if not problems or not declared.pattern.match(fixed):
        problems.append("does not follow the pattern")
    return source, f"{', '.join(problems)}; expected {declared.expected_name}"


@dataclass(frozen=True)
class LandingScan:
    files: list[LandedFile]  # every regular file a source claims, oldest export first
    notes: list[LandingNote]  # what is in the folder and will not be loaded, and why


def scan(landing_dir: Path, today: date | None = None) -> LandingScan:
    """Every entry of the landing folder, read without following links (`lstat`)."""
    files: list[LandedFile] = []
    notes: list[LandingNote] = []
    for path in sorted(landing_dir.iterdir()):
        if path.name.startswith("."):
            continue
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            notes.append(
                LandingNote(
                    "symlink",
                    path.name,
                    None,
                    "symbolic link: not followed, not loaded (copy the export itself into the landing folder)",
                )
            )
        elif stat.S_ISDIR(mode):
            notes.append(
                LandingNote(
                    "folder", path.name, None, "folder: not searched (exports go directly in the landing folder)"
                )
            )
        elif not stat.S_ISREG(mode):
            notes.append(LandingNote("other_file", path.name, None, "not a regular file: not loaded"))
        elif (landed := classify(path, today)) is not None:
            files.append(landed)
        elif _IN_TRANSIT.search(path.name):
            notes.append(
                LandingNote(
                    "still_changing", path.name, None, "temporary name of a file on its way: loaded once it is renamed"
                )
            )
        elif (miss := near_miss(path.name)) is not None:
            notes.append(
                LandingNote(
                    "near_miss", path.name, miss[0], f"name nearly matches a {miss[0]} export: {miss[1]}; not loaded"
                )
            )
        else:
            notes.append(LandingNote("other_file", path.name, None, "no export name: not loaded"))
    files.sort(key=lambda f: (f.export_date or date.min, f.wave or "", f.name))
    return LandingScan(files, notes)


# --- files still being written ---------------------------------------------------------------


@dataclass(frozen=True)
class FileState:
    """What a writer changes: size and modification time (nanoseconds)."""

    size: int
    mtime_ns: int


def file_state(path: Path) -> FileState:
    info = os.lstat(path)
    return FileState(info.st_size, info.st_mtime_ns)


def wait_until_quiet(paths: list[Path], quiet_seconds: float) -> dict[Path, FileState]:
    """Each file's state once every file has been left alone for `quiet_seconds` (or has changed).

    A file modified less than `quiet_seconds` ago is watched until it is that old; the state
    returned is the one seen at the start, so a file that changed meanwhile shows up in
    `still_changing`. The wait is once per call, for the youngest file, not once per file.
    """
    states = {path: file_state(path) for path in paths}
    if quiet_seconds <= 0 or not states:
        return states
    newest = max(state.mtime_ns for state in states.values()) / 1e9
    pause = newest + quiet_seconds - time.time()
    if pause > 0:
        time.sleep(min(pause, quiet_seconds))
    return states


def still_changing(path: Path, seen: FileState, quiet_seconds: float) -> str | None:
    """Why the file must wait for a later run, or None when it may be loaded.

    A file is taken as complete when its size and modification time are what they were when the
    run first looked at it, and it was last modified at least `quiet_seconds` ago. Writers
    (a copy, an SFTP upload, an export job) update both as they append, so a file that changed
    between two looks, or very recently, is still being written. The look before the commit
    (after the file was hashed and read) closes the window in which a writer could add rows
    that the load did not see. Writers that keep the old modification time cannot be detected;
    uploads should write under another name and rename, which is atomic.
    """
    try:
        now = file_state(path)
    except FileNotFoundError:
        return "removed while the run was reading it"
    if now != seen:
        return "still being written (size or modification time changed during the run)"
    age = time.time() - now.mtime_ns / 1e9
    if age < -1:
        return "modification time in the future (the writing machine's clock?): loaded once that time has passed"
    if age < quiet_seconds:
        return f"still being written (modified less than {quiet_seconds:g} s ago)"
    return None
