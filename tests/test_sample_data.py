"""The helpline sample-data generator: exact export formats, the cumulative rule, drift, realism."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from orchestration.sample_data import _helpline_vocab as vocab
from orchestration.sample_data.helpline import generate_helpline_landing
from tests.contract_columns import CHILDFOCUS_HEADER, TAKEDOWN_HEADER

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
BRUSSELS = ZoneInfo("Europe/Brussels")
END = date(2026, 4, 1)
MONTHS = 6

IGVM_KEYS = ["report_id", "submitted_at", "channel", "victim", "incident", "status", "contact", "description"]
IGVM_NESTED = {
    "victim": ["age", "gender", "region"],
    "incident": ["type", "ai_generated", "platforms", "offender"],
    "contact": ["name", "email", "phone"],
}
CODED_CHILDFOCUS = {
    "Kanaal": "kanaal",
    "Melder": "melder",
    "Geslacht slachtoffer": "geslacht_slachtoffer",
    "Provincie": "provincie",
    "Taal": "taal",
    "Type feiten": "type_feiten",
    "AI-gegenereerd": "ai_gegenereerd",
    "Relatie dader": "relatie_dader",
}
PHONE = re.compile(r"^\+32 4\d\d \d\d \d\d \d\d$")
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:00\+0[12]:00$")
DMY = re.compile(r"^\d\d/\d\d/\d{4} \d\d:\d\d$")


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("helpline")
    generate_helpline_landing(folder, seed=5, end_month=END, months=MONTHS, cases_per_month=150)
    return folder


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough cases a month for shares to be measured (drift, distributions); still under a second."""
    folder = tmp_path_factory.mktemp("helpline_big")
    generate_helpline_landing(folder, seed=9, end_month=END, months=4, cases_per_month=2000)
    return folder


def read_childfocus(path: Path) -> pd.DataFrame:
    raw = path.read_bytes()
    encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "cp1252"
    return pd.read_csv(path, sep=";", encoding=encoding, dtype=str, keep_default_na=False)


def read_igvm(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def read_takedown(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def exports(folder: Path, pattern: str) -> list[Path]:
    return sorted(folder.glob(pattern))


def stacked_childfocus(folder: Path) -> pd.DataFrame:
    frames = [read_childfocus(p).assign(export=p.name[17:25]) for p in exports(folder, "childfocus_cases_*.csv")]
    return pd.concat(frames, ignore_index=True)


def stacked_takedown(folder: Path) -> pd.DataFrame:
    frames = [read_takedown(p).assign(export=p.name[18:26]) for p in exports(folder, "takedown_requests_*.csv")]
    return pd.concat(frames, ignore_index=True)


def code_map(source: str) -> dict[str, set[str]]:
    codes = pd.read_csv(SEEDS / "code_map.csv", dtype=str, keep_default_na=False)
    codes = codes[codes["source"] == source]
    return {field: set(group["code"]) for field, group in codes.groupby("field")}


def platform_aliases() -> dict[str, str]:
    aliases = pd.read_csv(SEEDS / "platform_aliases.csv", dtype=str, keep_default_na=False)
    return dict(zip(aliases["alias"], aliases["platform"]))


def normalise(name: str) -> str:
    return re.sub(r"\s+", " ", name.strip().lower())


def platform_names(field: str) -> list[str]:
    return [normalise(n) for n in re.split(r"[,/;]", field) if n.strip()]


def assert_brussels_offset(stamp: str) -> None:
    moment = datetime.fromisoformat(stamp)
    assert moment.utcoffset() == moment.astimezone(BRUSSELS).utcoffset(), stamp


# --- files and determinism ---------------------------------------------------------------------


def test_one_export_per_source_per_month_dated_the_first(tmp_path: Path) -> None:
    summary = generate_helpline_landing(tmp_path, seed=1, end_month=date(2026, 2, 17), months=3, cases_per_month=40)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(
        f"{prefix}_{day}.{ext}"
        for day in ("20251201", "20260101", "20260201")
        for prefix, ext in (("childfocus_cases", "csv"), ("igvm_reports", "jsonl"), ("takedown_requests", "csv"))
    )
    assert sorted(p.name for p in summary.files) == names
    cf = stacked_childfocus(tmp_path)
    td = stacked_takedown(tmp_path)
    assert summary.rows["childfocus"] == len(cf)
    assert summary.rows["takedown"] == len(td)
    assert summary.distinct["childfocus"] == cf["Dossiernummer"].nunique()
    assert summary.distinct["takedown"] == td["request_id"].nunique()
    igvm_ids = {r["report_id"] for p in exports(tmp_path, "igvm_*.jsonl") for r in read_igvm(p)}
    assert summary.cases == cf["Dossiernummer"].nunique() + len(igvm_ids)


def test_same_seed_gives_identical_bytes_and_another_seed_does_not(tmp_path: Path) -> None:
    args = {"end_month": END, "months": 3, "cases_per_month": 80}
    generate_helpline_landing(tmp_path / "a", seed=3, **args)
    generate_helpline_landing(tmp_path / "b", seed=3, **args)
    generate_helpline_landing(tmp_path / "c", seed=4, **args)
    for path in (tmp_path / "a").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name
    assert (tmp_path / "a" / "childfocus_cases_20260401.csv").read_bytes() != (
        tmp_path / "c" / "childfocus_cases_20260401.csv"
    ).read_bytes()


# --- childfocus format -------------------------------------------------------------------------


def test_old_childfocus_exports_are_cp1252_and_newer_utf8_with_bom(landing: Path) -> None:
    paths = exports(landing, "childfocus_cases_*.csv")
    old, new = paths[: MONTHS // 2], paths[MONTHS // 2 :]  # fewer than 16 months: the first half is cp1252
    header = ";".join(CHILDFOCUS_HEADER).encode("ascii") + b"\r\n"
    for path in old:
        raw = path.read_bytes()
        assert raw.startswith(header)
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        text = raw.decode("cp1252")
        assert "ë" in text
    # a latin-1 misread shows: the euro sign and curly quotes are cp1252-only bytes (0x80-0x9f)
    old_bytes = b"".join(p.read_bytes() for p in old)
    assert b"\x80" in old_bytes and (b"\x91" in old_bytes or b"\x93" in old_bytes)
    for path in new:
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf" + header)
        assert "€" in raw.decode("utf-8-sig")


def test_childfocus_is_semicolon_csv_with_crlf_and_minimal_quoting(landing: Path) -> None:
    """Re-writing the parsed rows with Python's csv module (minimal quoting) gives the same bytes."""
    for path in exports(landing, "childfocus_cases_*.csv"):
        raw = path.read_bytes()
        assert raw.count(b"\n") == raw.count(b"\r\n") > 1
        text = raw.decode("utf-8-sig") if raw.startswith(b"\xef\xbb\xbf") else raw.decode("cp1252")
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
        out = io.StringIO()
        csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
        assert out.getvalue() == text, path.name
        frame = read_childfocus(path)
        assert list(frame.columns) == CHILDFOCUS_HEADER
        assert len(frame) == len(rows) - 1
    quoted = stacked_childfocus(landing)
    assert quoted["Samenvatting"].str.contains(";").any() and quoted["Platformen"].str.contains(";").any()


def test_childfocus_values_use_the_contract_vocabulary(landing: Path) -> None:
    cf = stacked_childfocus(landing)
    codes = code_map("childfocus")
    for column, field in CODED_CHILDFOCUS.items():
        assert set(cf[column]) <= codes[field], column
    assert {"Onbekend"} <= set(cf["Geslacht slachtoffer"]) | set(cf["Provincie"]) | set(cf["AI-gegenereerd"])
    assert cf["Dossiernummer"].str.fullmatch(r"CF-20\d\d-\d{6}").all()
    assert cf["Datum opening"].str.fullmatch(DMY).all()
    closed = cf["Datum afsluiting"]
    assert (closed.eq("") | closed.str.fullmatch(DMY)).all() and closed.eq("").any()
    age = cf["Leeftijd slachtoffer"]
    assert age.str.fullmatch(r"(\d{1,2}( jaar)?)?").all()
    assert age.eq("").any() and age.str.endswith(" jaar").any()
    assert pd.to_numeric(age.str.extract(r"(\d+)")[0]).dropna().between(0, 25).all()
    opened = pd.to_datetime(cf["Datum opening"], format="%d/%m/%Y %H:%M")
    closes = pd.to_datetime(closed.replace("", None), format="%d/%m/%Y %H:%M")
    export = pd.to_datetime(cf["export"])
    assert (opened < export).all() and (closes.dropna() > opened[closes.notna()]).all()
    assert (closes.dropna() < export[closes.notna()]).all()


def test_platform_names_are_typed_many_ways_and_known_ones_are_in_the_taxonomy(landing: Path) -> None:
    aliases = platform_aliases()
    for platform, spellings in vocab.SPELLINGS.items():
        for spelling, _ in spellings:
            if platform in ("other", "bluesky"):
                assert normalise(spelling) not in aliases, spelling
            else:
                assert aliases[normalise(spelling)] == platform, spelling
    cf = stacked_childfocus(landing)
    fields = cf["Platformen"]
    assert fields.eq("").any()
    assert fields.str.contains(",").any() and fields.str.contains("/").any() and fields.str.contains(";").any()
    names = [n for f in fields for n in platform_names(f)]
    unknown = [n for n in names if n not in aliases]
    assert set(unknown) <= vocab.UNKNOWN_PLATFORM_NAMES and 0 < len(unknown) < 0.12 * len(names)
    typed = set(fields.str.split(r"[,/;]", regex=True).explode().str.strip())
    assert len({t for t in typed if aliases.get(normalise(t)) == "snapchat"}) >= 4


# --- igvm and takedown formats -----------------------------------------------------------------


def test_igvm_lines_are_json_with_the_contract_keys_in_order(landing: Path) -> None:
    codes = code_map("igvm")
    records = []
    for path in exports(landing, "igvm_reports_*.jsonl"):
        raw = path.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw and raw.endswith(b"}\n")
        for line in raw.decode("utf-8").splitlines():
            record = json.loads(line)
            assert json.dumps(record, ensure_ascii=False) == line  # same spacing as the example export
            assert list(record) == IGVM_KEYS
            for key, inner in IGVM_NESTED.items():
                assert list(record[key]) == inner
            records.append(record)
    frame = pd.json_normalize(records)
    assert frame["report_id"].str.fullmatch(r"IGVM-20\d\d-\d{6}").all()
    assert set(frame["channel"]) <= codes["channel"] and set(frame["status"]) == codes["status"]
    assert set(frame["victim.gender"]) <= codes["victim_gender"]
    assert set(frame["victim.region"].dropna()) <= codes["victim_region"] and frame["victim.region"].isna().any()
    assert set(frame["incident.type"]) <= codes["incident_type"]
    assert set(frame["incident.offender"]) <= codes["incident_offender"]
    assert frame["incident.ai_generated"].isna().any() and {True, False} <= set(frame["incident.ai_generated"].dropna())
    assert frame["victim.age"].dropna().between(18, 60).all()
    assert frame["incident.platforms"].map(lambda v: isinstance(v, list)).all()
    assert frame["submitted_at"].str.fullmatch(ISO).all()
    for stamp in frame["submitted_at"]:
        assert_brussels_offset(stamp)


def test_takedown_is_comma_csv_utf8_with_iso_offsets(landing: Path) -> None:
    codes = code_map("takedown")
    for path in exports(landing, "takedown_requests_*.csv"):
        raw = path.read_bytes()
        assert raw.startswith(",".join(TAKEDOWN_HEADER).encode("ascii") + b"\n") and b"\r" not in raw
        assert list(read_takedown(path).columns) == TAKEDOWN_HEADER
    td = stacked_takedown(landing)
    assert td["request_id"].str.fullmatch(r"TD-\d{7}").all()
    assert set(td["content_type"]) <= codes["content_type"] and set(td["outcome"]) <= codes["outcome"]
    assert {"CF", "IG"} == set(td["case_ref"].str[:2])
    pending = td["outcome"] == "pending"
    assert pending.any() and (td["resolved_at"].eq("") == pending).all()
    for column in ("submitted_at", "acknowledged_at", "resolved_at"):
        stamps = td.loc[td[column] != "", column]
        assert stamps.str.fullmatch(ISO).all()
        for stamp in stamps.drop_duplicates():
            assert_brussels_offset(stamp)
    done = td[(td["acknowledged_at"] != "") & ~pending]
    submitted, acked, resolved = (
        pd.to_datetime(done[c], utc=True) for c in ("submitted_at", "acknowledged_at", "resolved_at")
    )
    assert (submitted <= acked).all() and (acked <= resolved).all()


def test_both_utc_offsets_occur_around_the_dst_switch(tmp_path: Path) -> None:
    generate_helpline_landing(tmp_path, seed=2, end_month=date(2026, 5, 1), months=2, cases_per_month=300)
    stamps = [r["submitted_at"] for r in read_igvm(tmp_path / "igvm_reports_20260501.jsonl")]
    march = [s for s in stamps if s.startswith(("2026-03-2", "2026-03-3"))]
    assert {s[-6:] for s in march} == {"+01:00", "+02:00"}
    for stamp in march:
        assert_brussels_offset(stamp)


# --- personal data -----------------------------------------------------------------------------


def test_personal_data_columns_are_always_filled(landing: Path) -> None:
    cf = stacked_childfocus(landing)
    for column in ("Naam melder", "Telefoon melder", "E-mail melder", "Samenvatting"):
        assert cf[column].ne("").all(), column
    assert cf["Telefoon melder"].str.fullmatch(PHONE).all()
    first = cf["Naam melder"].str.split(" ").str[0].str.lower()
    assert (cf["E-mail melder"].str.extract(r"^(.+)\.\d{1,3}@example\.be$")[0] == first).all()
    for name, phone, summary in zip(cf["Naam melder"], cf["Telefoon melder"], cf["Samenvatting"]):
        assert f"{name} ({phone})" in summary
    assert cf["Naam melder"].str.contains(r"[éëïèç]").any()
    for path in exports(landing, "igvm_reports_*.jsonl"):
        for record in read_igvm(path):
            contact = record["contact"]
            assert contact["name"] and PHONE.match(contact["phone"]) and contact["email"].endswith("@example.be")
            assert f"{contact['name']} ({contact['phone']})" in record["description"]


# --- cumulative snapshots ----------------------------------------------------------------------


def test_a_case_is_exported_while_open_and_once_more_when_closed(landing: Path) -> None:
    cf = stacked_childfocus(landing)
    export_days = sorted(cf["export"].unique())
    position = {day: i for i, day in enumerate(export_days)}
    reopened = closed_later = 0
    for _, rows in cf.groupby("Dossiernummer"):
        seen = [position[e] for e in rows["export"]]
        assert seen == list(range(seen[0], seen[0] + len(seen)))  # consecutive exports, no gaps
        close = rows["Datum afsluiting"].tolist()
        assert all(c == "" for c in close[:-1])  # open in every export but maybe the last
        if close[-1]:  # closed between the previous export and this one
            closed_at = datetime.strptime(close[-1], "%d/%m/%Y %H:%M").date()
            assert closed_at < date.fromisoformat(export_days[seen[-1]])
            if seen[-1] > 0:
                assert closed_at >= date.fromisoformat(export_days[seen[-1] - 1])
        if seen[-1] < len(export_days) - 1:
            assert close[-1] != ""  # dropped out only after being exported closed
        reopened += len(seen) >= 3 and close[1] == ""
        closed_later += len(seen) >= 2 and close[-1] != ""
    assert reopened > 5 and closed_later > 20


def test_fields_can_change_between_exports(landing: Path) -> None:
    cf = stacked_childfocus(landing)
    by_case = cf.groupby("Dossiernummer")
    age_filled_later = by_case["Leeftijd slachtoffer"].agg(lambda s: s.iloc[0] == "" and s.iloc[-1] != "")
    assert age_filled_later.any()
    platform_added = by_case["Platformen"].agg(lambda s: s.iloc[-1].startswith(s.iloc[0]) and s.iloc[-1] != s.iloc[0])
    assert platform_added.any()
    statuses: dict[str, list[str]] = {}
    for path in exports(landing, "igvm_reports_*.jsonl"):
        for record in read_igvm(path):
            statuses.setdefault(record["report_id"], []).append(record["status"])
    assert all("closed" not in s[:-1] for s in statuses.values())
    assert any(s[0] == "open" and s[-1] == "closed" for s in statuses.values())


def test_pending_requests_reappear_until_resolved(landing: Path) -> None:
    td = stacked_takedown(landing)
    for _, rows in td.groupby("request_id"):
        outcomes = rows["outcome"].tolist()
        assert all(o == "pending" for o in outcomes[:-1])
    resolved_later = td.groupby("request_id")["outcome"].agg(lambda s: len(s) > 1 and s.iloc[-1] != "pending")
    assert resolved_later.sum() > 10


def test_some_requests_are_exported_before_their_case(landing: Path) -> None:
    cf = stacked_childfocus(landing)
    first_case = cf.groupby("Dossiernummer")["export"].min().to_dict()
    for path in exports(landing, "igvm_reports_*.jsonl"):  # oldest first
        for record in read_igvm(path):
            first_case.setdefault(record["report_id"], path.name[13:21])
    td = stacked_takedown(landing)
    first_request = td.groupby("request_id").agg(case_ref=("case_ref", "first"), export=("export", "min"))
    case_export = first_request["case_ref"].map(first_case)
    early = first_request[case_export.notna() & (first_request["export"] < case_export)]
    assert len(early) >= 3


# --- drift and realism -------------------------------------------------------------------------


def test_drift_month_brings_a_new_platform_and_doubles_telegram(big: Path) -> None:
    cf = stacked_childfocus(big).drop_duplicates("Dossiernummer", keep="last")
    month = pd.to_datetime(cf["Datum opening"], format="%d/%m/%Y %H:%M").dt.strftime("%Y-%m")
    names = cf["Platformen"].map(platform_names)
    bluesky = names.map(lambda n: "bluesky" in n).groupby(month).mean()
    telegram = names.map(lambda n: bool({"telegram", "tg", "telegramm"} & set(n))).groupby(month).mean()
    assert bluesky["2026-03"] > 0.06 and (bluesky.drop("2026-03") == 0).all()
    assert telegram["2026-03"] > 1.7 * telegram.drop("2026-03").max()
    assert telegram.drop("2026-03").max() < 1.25 * telegram.drop("2026-03").min()  # stable before


def test_without_drift_no_new_platform_appears(tmp_path: Path) -> None:
    generate_helpline_landing(tmp_path, seed=9, end_month=END, months=2, cases_per_month=800, drift_last_month=False)
    text = (tmp_path / "childfocus_cases_20260401.csv").read_text(encoding="utf-8-sig").lower()
    assert "bluesky" not in text and "telegram" in text


def test_volumes_and_distributions_are_plausible_for_belgium(big: Path) -> None:
    cf = stacked_childfocus(big).drop_duplicates("Dossiernummer", keep="last")
    igvm = pd.json_normalize([r for p in exports(big, "igvm_reports_*.jsonl") for r in read_igvm(p)])
    igvm = igvm.drop_duplicates("report_id", keep="last")
    td = stacked_takedown(big).drop_duplicates("request_id", keep="last")
    assert 0.64 < len(cf) / (len(cf) + len(igvm)) < 0.76
    assert 0.72 < (cf["Geslacht slachtoffer"] == "V").mean() < 0.83
    assert 0.72 < (igvm["victim.gender"] == "female").mean() < 0.85
    ages = pd.to_numeric(cf["Leeftijd slachtoffer"].str.extract(r"(\d+)")[0]).dropna()
    assert ages.between(12, 17).mean() > 0.8 and (ages < 12).any() and (ages >= 18).any()
    assert 0.8 < len(td) / (len(cf) + len(igvm)) < 1.2
    final = td[td["outcome"] != "pending"]
    assert 0.62 < (final["outcome"] == "removed").mean() < 0.78
    removed = final[final["outcome"] == "removed"]
    hours = pd.to_datetime(removed["resolved_at"], utc=True) - pd.to_datetime(removed["submitted_at"], utc=True)
    hours = hours.dt.total_seconds() / 3600
    assert 24 <= hours.median() <= 48 and hours.quantile(0.95) > 4 * hours.median()
    deepnude_ai = cf.loc[cf["Type feiten"] == "Deepnude", "AI-gegenereerd"].eq("Ja").mean()
    other_ai = cf.loc[cf["Type feiten"] != "Deepnude", "AI-gegenereerd"].eq("Ja").mean()
    assert deepnude_ai > 0.75 and other_ai < 0.1
    aliases = platform_aliases()
    names = [n for f in cf["Platformen"] for n in set(map(aliases.get, platform_names(f))) if n]
    ranking = pd.Series(names).value_counts().index.tolist()
    assert ranking[0] == "snapchat" and set(ranking[1:5]) == {"x", "instagram", "tiktok", "telegram"}


@pytest.mark.slow
def test_a_million_childfocus_rows_in_well_under_a_minute(tmp_path: Path) -> None:
    import time

    started = time.perf_counter()
    summary = generate_helpline_landing(tmp_path, seed=1, end_month=END, months=25, cases_per_month=31_000)
    elapsed = time.perf_counter() - started
    assert summary.rows["childfocus"] >= 1_000_000
    assert elapsed < 45, f"{elapsed:.1f} s"
