"""`ncii demo` writes only into folders it made itself, so it can never mix fake rows into real exports.

The demo leaves a marker file in the landing folder and in the warehouse folder. A folder that holds
anything and has no marker is someone else's: the demo refuses it with one line. In the landing
folder the marker also lists the file names the demo wrote, so a real export dropped into a demo
landing folder is noticed too.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from orchestration.settings import Settings, SettingsError

DEMO_MARKER = ".ncii-demo"
_HEADER = "written by `ncii demo`; the files it wrote:"


def check_demo_folders(settings: Settings) -> None:
    """Raise `SettingsError` unless both folders are new, empty, or the demo's own."""
    folders = ((settings.landing_dir, "NCII_LANDING_DIR"), (settings.warehouse_dir, "NCII_WAREHOUSE_DIR"))
    for folder, variable in folders:
        if folder.exists() and not folder.is_dir():
            raise SettingsError(f"ncii demo: {folder} is not a folder; set {variable} to a new or empty folder")
        if not folder.is_dir():
            continue
        present = {path.name for path in folder.iterdir()} - {DEMO_MARKER}
        marker = folder / DEMO_MARKER
        if not present:
            continue
        if not marker.is_file():
            raise SettingsError(
                f"ncii demo writes only into folders it made: {folder} holds files it did not write; "
                f"set {variable} to a new or empty folder"
            )
        if folder == settings.landing_dir and present - _listed(marker):
            raise SettingsError(
                f"ncii demo writes only into folders it made: {folder} holds files it did not write "
                f"({len(present - _listed(marker))}); set {variable} to a new or empty folder"
            )


def mark_demo_folders(settings: Settings, landing_files: list[str]) -> None:
    """Claim both folders for the demo (call after `check_demo_folders`, before writing into them)."""
    for folder, names in ((settings.landing_dir, landing_files), (settings.warehouse_dir, [])):
        folder.mkdir(parents=True, exist_ok=True)
        marker = folder / DEMO_MARKER
        listed = _listed(marker) if marker.is_file() else set()
        marker.write_text("\n".join([_HEADER, *sorted(listed | set(names))]) + "\n")


def land_new_files(settings: Settings, generated: Path) -> list[str]:
    """Move the generated exports into the (claimed) landing folder, except those it already holds.

    A landed file is never edited (the contract), and a rerun of the demo must not replace one: the
    SPSS writer stamps each file with its creation time, so a regenerated wave would be a changed file.
    The names are listed in the marker before they land.
    """
    landing = settings.landing_dir
    new = sorted(p.name for p in generated.iterdir() if p.is_file() and not (landing / p.name).exists())
    mark_demo_folders(settings, new)
    for name in new:
        shutil.move(generated / name, landing / name)
    return new


def _listed(marker: Path) -> set[str]:
    return {line for line in marker.read_text().splitlines()[1:] if line}
