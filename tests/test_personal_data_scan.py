"""Personal data typed into every field of every source reaches nothing the run writes or prints.

A helpline worker types a reporter's name, phone or e-mail into a coded field, a platform field or a
free-text field; an IGVM code field holds a nested object. Each planted value is in at least k rows,
so counts that name it would be published. `ncii run` (the real command, with a webhook) writes a
warehouse and a DAGSTER_HOME; every file of both, every table cell, every webhook payload and every
line printed is scanned for every planted value (case-insensitively, phones also without spaces).
`ncii unmapped` then shows the operator those values, with the descriptors the warehouse holds.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from orchestration.privacy import DESCRIPTOR, describe
from orchestration.sample_data.survey import make_wave, write_qualtrics_csv
from tests.conftest import TEST_KEY
from tests.contract_columns import CHILDFOCUS_HEADER

K = 5
MAIL_DOMAIN = "mailbox.example"  # every planted e-mail address, and nothing else, is at this domain
PLANTED_ROWS = K + 2  # rows holding each planted value: enough that a count of it would be published
NCII = Path(sys.executable).with_name("ncii")
EXPORT = date(2026, 11, 1)
MONTHS = [date(2026, m, 1) for m in range(5, 11)]  # cases opened May..October; October is the checked period
FIRST = [
    "Sofie",
    "Jozefien",
    "Wout",
    "Anouk",
    "Thibault",
    "Margaux",
    "Lowie",
    "Fien",
    "Rayan",
    "Elodie",
    "Bavo",
    "Ines",
    "Kobe",
    "Lotte",
    "Senne",
    "Amélie",
    "Jelle",
    "Noor",
    "Arnaud",
    "Yasmine",
    "Brent",
    "Zita",
]
LAST = [
    "Vermeulen",
    "Claeys",
    "Goossens",
    "Dierickx",
    "Lambrechts",
    "Desmet",
    "Verhaegen",
    "Bogaerts",
    "Vandamme",
    "Pauwels",
    "Hendrickx",
    "Coppens",
]


class Planter:
    """Distinctive personal data, a new value each time: a name, a phone with spaces or an e-mail in turn."""

    def __init__(self) -> None:
        self.values: list[str] = []

    def __call__(self) -> str:
        i = len(self.values)
        first, last = FIRST[i % len(FIRST)], LAST[(i * 5) % len(LAST)]
        value = [
            f"{first} {last}",
            f"+32 47{i % 10} {i // 100:02d} {i % 100:02d} {i * 7 % 100:02d}",
            f"{first.lower()}.{last.lower()}{i}@{MAIL_DOMAIN}",
        ][i % 3]
        self.values.append(value)
        return value


@dataclass
class Landing:
    path: Path
    planted: list[str]  # typed into coded, platform and free-text fields (the free-text ones too)
    unknown: dict[tuple[str, str], str]  # (source, field as `ncii unmapped` names it) -> the planted value


CF_GOOD = {
    "Kanaal": "Chat",
    "Melder": "Slachtoffer",
    "Leeftijd slachtoffer": "15",
    "Geslacht slachtoffer": "V",
    "Provincie": "Antwerpen",
    "Taal": "NL",
    "Type feiten": "Deepnude",
    "AI-gegenereerd": "Ja",
    "Platformen": "Instagram, Snapchat",
    "Relatie dader": "Kennis",
}
IGVM_CODES = {
    "channel": ("channel",),
    "victim.gender": ("victim", "gender"),
    "victim.region": ("victim", "region"),
    "incident.type": ("incident", "type"),
    "incident.offender": ("incident", "offender"),
    "status": ("status",),
}


def _opened(i: int) -> datetime:
    month = MONTHS[i % len(MONTHS)]
    return datetime(month.year, month.month, 1 + i % 27, 9 + i % 8, 15)


def write_landing(path: Path) -> Landing:
    plant = Planter()
    unknown: dict[tuple[str, str], str] = {}
    path.mkdir()

    def contact() -> dict[str, str]:  # the personal-data fields of one case: planted too
        return {"name": plant(), "phone": plant(), "email": plant()}

    # Child Focus: good cases, cases naming a person or a phone as a platform, a planted value in each coded field
    rows = []
    for i in range(150):
        who = contact()
        rows.append(
            {
                **CF_GOOD,
                "Dossiernummer": f"CF-2026-{i:06d}",
                "Datum opening": f"{_opened(i):%d/%m/%Y %H:%M}",
                "Datum afsluiting": "",
                "Naam melder": who["name"],
                "Telefoon melder": who["phone"],
                "E-mail melder": who["email"],
                "Samenvatting": f"Gesprek met {plant()}, bel terug op {plant()}.",
            }
        )
    october = [r for r in rows if r["Datum opening"][3:5] == "10"]
    for kind in ("name", "phone"):
        name = plant()
        unknown[("childfocus", "Platformen")] = name  # the last one is checked in `ncii unmapped`
        for r in october[:PLANTED_ROWS] if kind == "name" else october[PLANTED_ROWS : 2 * PLANTED_ROWS]:
            r["Platformen"] = f"Snapchat, {name}"
    for header in (
        "Kanaal",
        "Melder",
        "Geslacht slachtoffer",
        "Provincie",
        "Taal",
        "Type feiten",
        "AI-gegenereerd",
        "Relatie dader",
    ):
        value = plant()
        unknown[("childfocus", header)] = value
        for j in range(PLANTED_ROWS):
            i = len(rows)
            rows.append(
                {
                    **rows[j],
                    "Dossiernummer": f"CF-2026-{i:06d}",
                    "Datum opening": f"{_opened(i):%d/%m/%Y %H:%M}",
                    header: value,
                }
            )
    with (path / f"childfocus_cases_{EXPORT:%Y%m%d}.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, CHILDFOCUS_HEADER, delimiter=";", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)

    # IGVM: contact and description always personal; platforms; a code field holding a nested object
    reports = []
    for i in range(120):
        reports.append(
            {
                "report_id": f"IGVM-2026-{i:06d}",
                "submitted_at": f"{_opened(i):%Y-%m-%dT%H:%M:00}+02:00",
                "channel": "web_form",
                "victim": {"age": 27, "gender": "female", "region": "flanders"},
                "incident": {
                    "type": "deepfake_nude",
                    "ai_generated": True,
                    "platforms": ["Instagram"],
                    "offender": "acquaintance",
                },
                "status": "open",
                "contact": contact(),
                "description": f"{plant()} meldt: beelden gedeeld door {plant()}.",
            }
        )
    recent = [r for r in reports if r["submitted_at"][5:7] == "10"]
    name = plant()
    unknown[("igvm", "incident.platforms")] = name
    for r in recent[:PLANTED_ROWS]:
        r["incident"]["platforms"] = ["Telegram", name]
    for label, place in IGVM_CODES.items():
        if label == "victim.gender":  # a whole contact card pasted into a code field
            value: object = {"name": plant(), "phone": plant()}
        else:
            value = plant()
        for j in range(PLANTED_ROWS):
            report = json.loads(json.dumps(reports[j]))
            report["report_id"] = f"IGVM-2026-{len(reports):06d}"
            target = report
            for step in place[:-1]:
                target = target[step]
            target[place[-1]] = value
            reports.append(report)
        if isinstance(value, str):
            unknown[("igvm", label)] = value
    (path / f"igvm_reports_{EXPORT:%Y%m%d}.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in reports) + "\n", encoding="utf-8"
    )

    # Takedown requests: a person as the platform, personal data in both coded fields
    requests = []
    for i in range(100):
        submitted = _opened(i) + timedelta(hours=3)
        requests.append(
            {
                "request_id": f"TD-{i:07d}",
                "case_ref": f"CF-2026-{i:06d}",
                "platform": "Instagram",
                "content_type": "image",
                "submitted_at": f"{submitted:%Y-%m-%dT%H:%M:00}+02:00",
                "acknowledged_at": "",
                "resolved_at": f"{submitted + timedelta(days=1):%Y-%m-%dT%H:%M:00}+02:00",
                "outcome": "removed",
            }
        )
    name = plant()
    unknown[("takedown", "platform")] = name
    for r in [r for r in requests if r["submitted_at"][5:7] == "10"][:PLANTED_ROWS]:
        r["platform"] = name
    for field in ("content_type", "outcome"):
        value = plant()
        unknown[("takedown", field)] = value
        for j in range(PLANTED_ROWS):
            requests.append({**requests[j], "request_id": f"TD-{len(requests):07d}", field: value})
    with (path / f"takedown_requests_{EXPORT:%Y%m%d}.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(requests[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(requests)

    # Survey (Qualtrics CSV): the recipient columns Qualtrics adds, and personal data typed as answers
    wave = make_wave("2024", seed=5).astype(object)
    wave.insert(4, "RecipientFirstName", [plant() for _ in range(len(wave))])
    wave.insert(5, "RecipientEmail", [plant() for _ in range(len(wave))])
    finished = wave.index[wave["Finished"] == 1]
    for question in ("Q2", "Q3", "Q10"):
        value = plant()
        unknown[("survey", question)] = value
        wave.loc[finished[:PLANTED_ROWS], question] = value
        finished = finished[PLANTED_ROWS:]
    write_qualtrics_csv(wave, path / "survey_2024_qualtrics.csv")
    return Landing(path, plant.values, unknown)


class Scanner:
    """Finds any planted value in a text, case-insensitively; a phone also as its digits without spaces.

    Thousands of values are planted, so the text is not searched once per value: patterns that match every
    value of a kind (the planted names, phones shaped like theirs, the planted e-mail domain) find the
    candidates, and a phone candidate counts when it is one of the planted phones.
    """

    def __init__(self, values: list[str]) -> None:
        phones = [v for v in values if v.startswith("+32")]
        self.spaced = {p.lower() for p in phones}
        self.digits = {re.sub(r"\D", "", p) for p in phones}
        names = {v.lower() for v in values if v not in phones and "@" not in v}
        self.names = re.compile("|".join(map(re.escape, sorted(names, key=len, reverse=True))))
        assert len(self.spaced) + len(names) + sum("@" in v for v in values) == len(set(values))

    def find(self, text: str) -> list[str]:
        text = text.lower()
        found = [m.group() for m in re.finditer(r"\+32 47\d \d\d \d\d \d\d", text) if m.group() in self.spaced]
        found += [m.group(1) for m in re.finditer(r"(?=(3247\d{7}))", text) if m.group(1) in self.digits]
        found += [text[max(0, m.start() - 30) : m.end()] for m in re.finditer(re.escape(MAIL_DOMAIN), text)]
        found += [m.group() for m in self.names.finditer(text)]
        return found


def _duckdb_texts(path: Path) -> list[tuple[str, str]]:
    conn = duckdb.connect(str(path), read_only=True)
    try:
        tables = conn.execute(
            "SELECT database_name, schema_name, table_name FROM duckdb_tables() WHERE NOT temporary"
        ).fetchall()
        assert tables, path
        texts = []
        for catalog, schema, table in tables:
            rows = conn.execute(f'SELECT * FROM "{catalog}"."{schema}"."{table}"').fetchall()
            texts.append((f"{path.name}:{schema}.{table}", "\n".join("|".join(map(str, row)) for row in rows)))
        return texts
    finally:
        conn.close()


def _sqlite_texts(path: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return [
            (f"{path}:{t}", "\n".join("|".join(map(str, row)) for row in conn.execute(f'SELECT * FROM "{t}"')))
            for t in tables
        ]
    finally:
        conn.close()


def everything_written(*folders: Path) -> list[tuple[str, str]]:
    """(place, text): every table cell of every DuckDB and SQLite file, and the bytes of every file."""
    texts = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path.name == ".pseudonym_key":
                continue
            texts.append((str(path), path.read_bytes().decode("utf-8", errors="replace")))
            if path.suffix == ".duckdb":
                texts += _duckdb_texts(path)
            elif path.read_bytes()[:16] == b"SQLite format 3\x00":
                texts += _sqlite_texts(path)
    return texts


def leaks(texts: list[tuple[str, str]], values: list[str]) -> list[str]:
    scanner = Scanner(values)
    return [f"{place}: {hit!r}" for place, text in texts for hit in scanner.find(text)[:3]]


@pytest.fixture(scope="module")
def scanned_run(tmp_path_factory: pytest.TempPathFactory):
    from tests.conftest import Webhook

    root = tmp_path_factory.mktemp("scan")
    landing = write_landing(root / "landing")
    (root / "dagster_home").mkdir()
    hook = Webhook()
    env = {
        **os.environ,
        "NCII_LANDING_DIR": str(landing.path),
        "NCII_WAREHOUSE_DIR": str(root / "warehouse"),
        "NCII_PSEUDONYM_KEY": TEST_KEY,
        "NCII_SUPPRESSION_K": str(K),
        "NCII_ALERT_WEBHOOK_URL": hook.url,
        "DAGSTER_HOME": str(root / "dagster_home"),
    }
    try:
        run = subprocess.run([str(NCII), "run"], env=env, capture_output=True, text=True, timeout=900)
    finally:
        hook.close()
    return landing, root, env, run, hook


def test_the_run_publishes_and_alerts_about_the_planted_values(scanned_run) -> None:
    landing, root, _, run, hook = scanned_run
    assert run.returncode == 0, run.stderr[-2000:]
    conn = duckdb.connect(str(root / "warehouse" / "warehouse.duckdb"), read_only=True)
    try:
        reasons = [
            r
            for (r,) in conn.execute(
                "SELECT DISTINCT reason FROM raw.quarantine WHERE reason LIKE 'unknown%'"
            ).fetchall()
        ]
        subjects = [
            s
            for (s,) in conn.execute(
                "SELECT subject FROM monitoring.checks WHERE check_name = 'unmapped_value'"
            ).fetchall()
        ]
    finally:
        conn.close()
    # the planted codes were seen and named, each by a descriptor only
    assert len(reasons) >= 8 + 5 + 2 + 3 and all(DESCRIPTOR.search(reason) for reason in reasons)
    assert any(DESCRIPTOR.search(s) for s in subjects if s.startswith("platform name"))
    assert any("unmapped" in m["text"] and "ncii unmapped" in m["text"] for m in hook.messages)


def test_no_planted_value_reaches_any_file_table_payload_or_output(scanned_run) -> None:
    landing, root, _, run, hook = scanned_run
    written = everything_written(root / "warehouse", root / "dagster_home")
    assert any(place.endswith(".duckdb") for place, _ in written)
    assert any(place.endswith(".db") for place, _ in written)  # Dagster's event log (SQLite)
    printed = [("stdout", run.stdout), ("stderr", run.stderr)]
    payloads = [(f"webhook {i}", json.dumps(m, ensure_ascii=False)) for i, m in enumerate(hook.messages)]
    assert hook.messages and run.stdout
    assert leaks(written + printed + payloads, landing.planted) == []


def test_the_scan_would_see_a_leak(scanned_run) -> None:
    """Guard against a scan that cannot fail: a planted value in a table cell, a file or the output is found."""
    landing, root, _, run, _ = scanned_run
    phone = next(v for v in landing.planted if v.startswith("+32"))
    email = next(v for v in landing.planted if "@" in v)
    texts = [
        ("table", "x|" + phone.replace(" ", "") + "|y"),
        ("log", "unknown code " + landing.planted[0].upper()),
        ("payload", f'"text": "{phone}"'),
        ("event", email.upper()),
    ]
    assert len(leaks(texts, landing.planted)) == 4


def test_ncii_unmapped_shows_the_operator_each_value_with_its_descriptor_and_writes_nothing(scanned_run) -> None:
    landing, root, env, _, _ = scanned_run
    before = {p: (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")}
    result = subprocess.run([str(NCII), "unmapped"], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert {p: (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")} == before
    conn = duckdb.connect(str(root / "warehouse" / "warehouse.duckdb"), read_only=True)
    try:
        held = " ".join(
            r[0]
            for r in conn.execute(
                "SELECT reason FROM raw.quarantine UNION ALL SELECT subject FROM monitoring.checks"
            ).fetchall()
        )
    finally:
        conn.close()
    lines = result.stdout.splitlines()
    for (source, field), value in landing.unknown.items():
        shown = " ".join(value.split()).lower() if field in ("Platformen", "incident.platforms", "platform") else value
        line = next((ln for ln in lines if ln.startswith(source) and f" {field} " in ln and ln.endswith(shown)), None)
        assert line is not None, (source, field, shown)
        descriptor = describe(shown, TEST_KEY.encode())
        rows, first, last = line[len(source) :].split(descriptor)[1].split()[:3]
        assert int(rows) >= PLANTED_ROWS and (first, last) == (
            ("2024", "2024") if source == "survey" else ("2026-11-01", "2026-11-01")
        ), line
        if field not in ("Platformen",):  # a Child Focus case mentioning two unknown names shows one of them
            assert descriptor in held, (source, field)
