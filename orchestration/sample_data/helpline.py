"""Realistic sample exports of the three helpline sources: childfocus, igvm and takedown.

One monthly export per source, dated the 1st of the month, in the exact formats of the data
contract (header names and order, delimiters, quoting, CRLF, BOM, cp1252 for the oldest
childfocus exports, `dd/mm/yyyy HH:MM` local time, ISO-8601 with the Europe/Brussels offset
of the instant, JSON key order and nesting).

History: cases open from one month before the oldest export, so every month up to the newest
export is complete (`months` exports cover `months` months of openings). The oldest
childfocus exports, min(8, months // 2) of them, are cp1252 without BOM; later ones UTF-8
with BOM; both with CRLF. igvm and takedown exports are UTF-8 without BOM, LF.

Cumulative rule (every source, by case / report / request id). Export E_k is a snapshot taken
at 00:00 Europe/Brussels on its file date. An item is in E_k when it was registered before
E_k and was still open at E_{k-1} (the previous export):
    * it appears in every export while it is open (empty `Datum afsluiting`, `"status": "open"`,
      `outcome` `pending` with empty `resolved_at`);
    * it appears once more, in the first export after it closed, with the close filled in
      (close date, `"status": "closed"`, final outcome and `resolved_at`), then drops out.
Fields may change between exports: the close, an age filled in later (empty before), a
platform added later, an acknowledgement that arrives after a pending request was exported.
A request the platform never answers has an empty `acknowledged_at`; the flagger closes it as
`no_response` 30 days after submission (`resolved_at`).
A small share of cases is registered late (data-entry backlog): their takedown requests are
submitted, and exported, before the case is in any export.

The data are valid (no bad dates, no impossible ages): the bad-input corpus lives elsewhere.
Distributions are stable month to month apart from a slow volume trend, mild seasonality and
a slowly growing deepnude share; with `drift_last_month` the newest complete month (the one
just before the newest export) brings a platform the taxonomy does not know (`Bluesky`) and
Telegram's share of cases roughly doubles.

Everything is vectorised (numpy draws, pyarrow string kernels, one byte buffer per file), so
millions of rows take seconds; the same arguments give byte-identical files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.sample_data import _helpline_vocab as V

TZ = "Europe/Brussels"
DAY = 1440  # minutes; every instant here is int64 minutes since the Unix epoch (UTC)
HOUR = 60
NEVER = np.iinfo(np.int64).max // 4

CHILDFOCUS_COLUMNS = (
    "Dossiernummer",
    "Datum opening",
    "Datum afsluiting",
    "Kanaal",
    "Melder",
    "Leeftijd slachtoffer",
    "Geslacht slachtoffer",
    "Provincie",
    "Taal",
    "Type feiten",
    "AI-gegenereerd",
    "Platformen",
    "Relatie dader",
    "Naam melder",
    "Telefoon melder",
    "E-mail melder",
    "Samenvatting",
)
TAKEDOWN_COLUMNS = (
    "request_id",
    "case_ref",
    "platform",
    "content_type",
    "submitted_at",
    "acknowledged_at",
    "resolved_at",
    "outcome",
)
CP1252_EXPORTS = 8  # the oldest childfocus exports predate the switch to UTF-8

CHILDFOCUS_SHARE = 0.70  # of cases_per_month; the rest are IGVM reports
MONTHLY_GROWTH = 1.01
SEASON = np.array([1.00, 1.02, 1.05, 0.98, 1.03, 0.97, 0.86, 0.84, 1.05, 1.08, 1.07, 0.95])  # Jan..Dec
SEASON_STRENGTH = {"childfocus": 1.0, "igvm": 0.35}  # adults follow the school year much less
HOUR_W = np.array([1, 0.7, 0.5, 0.4, 0.3, 0.4, 0.8, 1.5, 2.5, 3.5, 4.5, 5, 5, 5, 5.5, 6, 7, 7.5, 8, 8, 7.5, 6, 4, 2])
CASE_MEDIAN_DAYS = {"childfocus": 16.0, "igvm": 24.0}
CASE_SIGMA = {"childfocus": 1.1, "igvm": 1.0}
LATE_REGISTRATION_P = 0.04
AGE_MISSING_P = {"childfocus": 0.05, "igvm": 0.03}
AGE_LATER_P = {"childfocus": 0.06, "igvm": 0.04}
AGE_JAAR_P = 0.08
PLATFORM_ADDED_P = 0.07
EXTRA_REQUEST_P = 0.06  # a request to a platform the case does not name (content spread further)
EXTRA_REQUEST_P_NO_PLATFORM = 0.30
NO_RESPONSE_AFTER = 30 * DAY  # the flagger closes an unanswered request after 30 days
SLOTS = 6  # platforms a case can name: up to 3, plus Telegram and Bluesky in the drift month, plus one added later


@dataclass(frozen=True)
class GeneratedSummary:
    """What was written: the files, data rows per source (summed over exports), distinct ids."""

    files: tuple[Path, ...]
    rows: dict[str, int] = field(default_factory=dict)
    distinct: dict[str, int] = field(default_factory=dict)

    @property
    def cases(self) -> int:
        """Helpline cases in at least one export (childfocus cases + IGVM reports)."""
        return self.distinct["childfocus"] + self.distinct["igvm"]


def generate_helpline_landing(
    landing_dir: Path,
    *,
    seed: int = 2026,
    end_month: date | None = None,
    months: int = 25,
    cases_per_month: int = 420,
    drift_last_month: bool = True,
) -> GeneratedSummary:
    """Write `months` monthly exports per helpline source ending at `end_month` (its month's 1st;
    default the current month) into `landing_dir`. `cases_per_month` is the average number of
    new cases a month over both helplines (70% Child Focus); raise it for benchmark volumes."""
    if months < 1 or cases_per_month < 1:
        raise ValueError("months and cases_per_month must be at least 1")
    landing_dir = Path(landing_dir)
    landing_dir.mkdir(parents=True, exist_ok=True)
    end = (end_month or date.today()).replace(day=1)
    export_days = [_add_months(end, k - months + 1) for k in range(months)]
    exports = _local_to_utc(np.array(export_days, dtype="datetime64[D]").astype(np.int64) * DAY)

    rng = np.random.default_rng(seed)
    cf = _simulate_cases(rng, "childfocus", export_days, cases_per_month * CHILDFOCUS_SHARE, drift_last_month)
    ig = _simulate_cases(rng, "igvm", export_days, cases_per_month * (1 - CHILDFOCUS_SHARE), drift_last_month)
    td = _simulate_requests(rng, (cf, ig), exports[-1])
    cf_parts, ig_parts, td_parts = _childfocus_parts(cf), _igvm_parts(ig), _takedown_parts(td)

    cp1252_count = min(CP1252_EXPORTS, months // 2)
    files: list[Path] = []
    rows = {"childfocus": 0, "igvm": 0, "takedown": 0}
    for k, day in enumerate(export_days):
        at, previous = exports[k], (exports[k - 1] if k else -NEVER)
        stamp = day.strftime("%Y%m%d")

        body, n = _childfocus_rows(cf, cf_parts, at, previous)
        encoding = "cp1252" if k < cp1252_count else "utf-8-sig"
        header = ";".join(CHILDFOCUS_COLUMNS) + "\r\n"
        files.append(_write(landing_dir / f"childfocus_cases_{stamp}.csv", header, body, encoding))
        rows["childfocus"] += n

        body, n = _igvm_rows(ig, ig_parts, at, previous)
        files.append(_write(landing_dir / f"igvm_reports_{stamp}.jsonl", "", body, "utf-8"))
        rows["igvm"] += n

        body, n = _takedown_rows(td, td_parts, at, previous)
        header = ",".join(TAKEDOWN_COLUMNS) + "\n"
        files.append(_write(landing_dir / f"takedown_requests_{stamp}.csv", header, body, "utf-8"))
        rows["takedown"] += n

    distinct = {
        "childfocus": int((cf.registered < exports[-1]).sum()),
        "igvm": int((ig.registered < exports[-1]).sum()),
        "takedown": len(td.submitted),
    }
    return GeneratedSummary(files=tuple(files), rows=rows, distinct=distinct)


# --- simulation ------------------------------------------------------------------------------


@dataclass
class _Cases:
    """One row per case (sorted by opening); times in UTC minutes; codes as vocabulary indices."""

    source: str
    ref: pa.Array  # CF-2026-000123 / IGVM-2026-000001
    opened: np.ndarray
    registered: np.ndarray
    closed: np.ndarray
    incident: np.ndarray
    age: np.ndarray  # -1 = unknown
    age_known_at: np.ndarray
    slots: np.ndarray  # (n, SLOTS) platform index per slot, -1 = none; the slot after the named ones may be "added"
    spelling: np.ndarray  # (n, SLOTS) index into _SPELLINGS
    named: np.ndarray  # platforms named from the start (0..SLOTS-1)
    added_at: np.ndarray  # when the added platform (slot `named`) appears; NEVER if none
    attrs: dict[str, np.ndarray]
    first_name: np.ndarray
    last_name: np.ndarray
    phone: pa.Array


@dataclass
class _Requests:
    """One row per takedown request (sorted by submission; ids follow that order)."""

    case_ref: pa.Array
    spelling: np.ndarray
    content_type: np.ndarray
    submitted: np.ndarray
    acknowledged: np.ndarray  # NEVER = never acknowledged
    resolved: np.ndarray
    outcome: np.ndarray


_SPELLINGS = [s for p in V.PLATFORMS for s, _ in V.SPELLINGS[p]] + [""]  # "" = no platform
_SPELLING_START = np.cumsum([0] + [len(V.SPELLINGS[p]) for p in V.PLATFORMS])[:-1]
_SPELLING_W = np.zeros((len(V.PLATFORMS), max(len(v) for v in V.SPELLINGS.values())))
for _i, _p in enumerate(V.PLATFORMS):
    _SPELLING_W[_i, : len(V.SPELLINGS[_p])] = [w for _, w in V.SPELLINGS[_p]]
_NO_SPELLING = len(_SPELLINGS) - 1


def _simulate_cases(rng: np.random.Generator, source: str, export_days: list[date], mean: float, drift: bool) -> _Cases:
    months = len(export_days)
    starts = [_add_months(export_days[0], m - 1) for m in range(months + 1)]
    month_of_year = np.array([d.month for d in starts[:-1]])
    season = 1 + SEASON_STRENGTH[source] * (SEASON[month_of_year - 1] - 1)
    expected = mean * MONTHLY_GROWTH ** (np.arange(months) - (months - 1) / 2) * season
    counts = rng.poisson(expected)
    m = np.repeat(np.arange(months), counts)
    n = len(m)

    # opening: a day of the (local) month and a time of day weighted towards afternoon and evening
    first_day = np.array(starts, dtype="datetime64[D]").astype(np.int64)
    day = first_day[m] + np.floor(rng.random(n) * np.diff(first_day)[m]).astype(np.int64)
    minute = rng.choice(24, size=n, p=HOUR_W / HOUR_W.sum()) * HOUR + rng.integers(0, 60, n)
    opened = np.sort(_local_to_utc(day * DAY + minute))

    incident = _incident_types(rng, source, m, months)
    late = rng.random(n) < LATE_REGISTRATION_P
    registered = opened + np.where(late, rng.integers(3 * DAY, 35 * DAY, n), 0)
    duration = np.exp(rng.normal(np.log(CASE_MEDIAN_DAYS[source] * DAY), CASE_SIGMA[source], n))
    closed = registered + np.maximum(duration.astype(np.int64), 2 * HOUR)

    if source == "childfocus":
        age = rng.choice(V.CF_AGES, size=n, p=V.CF_AGE_W / V.CF_AGE_W.sum())
    else:
        age = 18 + np.floor(43 * rng.beta(1.5, 3.2, n)).astype(np.int64)
    age = np.where(rng.random(n) < AGE_MISSING_P[source], -1, age)
    later = (rng.random(n) < AGE_LATER_P[source]) & (age >= 0)
    age_known_at = np.where(later, opened + DAY + rng.exponential(12 * DAY, n).astype(np.int64), opened)

    slots, named = _platforms(rng, source, (m == months - 1) & drift)
    added = (named >= 1) & (rng.random(n) < PLATFORM_ADDED_P)
    slots = np.where(np.arange(SLOTS) < (named + added)[:, None], slots, -1)
    spelling = _spell(rng, slots)
    added_at = np.where(added, opened + DAY + rng.exponential(10 * DAY, n).astype(np.int64), NEVER)

    if source == "childfocus":
        attrs = _childfocus_attrs(rng, n, incident)
    else:
        attrs = _igvm_attrs(rng, n, incident)
    first_name = rng.integers(0, len(V.FIRST_NAMES), n)
    last_name = rng.integers(0, len(V.LAST_NAMES), n)
    phone = _phones(rng, n)
    attrs["email_number"] = rng.integers(1, 1000, n)
    attrs["separator"] = rng.choice(len(V.SEPARATORS), size=n, p=V.SEPARATOR_P)
    attrs["lead"] = rng.integers(0, 4, n)
    attrs["body"] = rng.random(n)
    attrs["euros"] = rng.integers(0, len(V.EUROS), n)

    prefix = "CF" if source == "childfocus" else "IGVM"
    ref = _references(prefix, opened)
    return _Cases(
        source,
        ref,
        opened,
        registered,
        closed,
        incident,
        age,
        age_known_at,
        slots,
        spelling,
        named,
        added_at,
        attrs,
        first_name,
        last_name,
        phone,
    )


def _platforms(rng: np.random.Generator, source: str, in_drift: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The platforms of each case, best first (Gumbel top-k: weighted draws without replacement),
    and how many of them are named from the start (the next one may be added later).

    In the drift month some cases also name Telegram (when they did not) or Bluesky: an extra
    mention, so the shares of the other platforms stay where they were."""
    n = len(in_drift)
    weights = V.PLATFORM_WEIGHTS[source]
    with np.errstate(divide="ignore"):
        keys = np.log(weights) + rng.gumbel(size=(n, len(weights)))
    named = rng.choice(len(V.PLATFORM_COUNT_P), size=n, p=V.PLATFORM_COUNT_P)
    telegram_named = (keys > keys[:, [V.TELEGRAM]]).sum(axis=1) < named
    add_telegram = in_drift & ~telegram_named & (rng.random(n) < V.DRIFT_TELEGRAM_ADD_P[source])
    add_bluesky = in_drift & (rng.random(n) < V.DRIFT_BLUESKY_P)
    keys[add_telegram, V.TELEGRAM] = np.inf
    keys[add_bluesky, V.BLUESKY] = np.inf
    named = named + add_telegram + add_bluesky
    return np.argsort(-keys, axis=1, kind="stable")[:, :SLOTS], named


def _incident_types(rng: np.random.Generator, source: str, m: np.ndarray, months: int) -> np.ndarray:
    """Deepnude share grows linearly over the period; the other types keep their proportions."""
    start, end = V.DEEPNUDE_SHARE[source]
    deepnude = start + (end - start) * (m / max(months - 1, 1))
    probs = np.column_stack([deepnude, (1 - deepnude)[:, None] * V.NON_DEEPNUDE_SPLIT[source]])
    return _draw_rows(rng, probs)


def _childfocus_attrs(rng: np.random.Generator, n: int, incident: np.ndarray) -> dict[str, np.ndarray]:
    province = rng.choice(len(V.PROVINCES), size=n, p=[p[2] for p in V.PROVINCES])
    language = _draw_rows(rng, np.array([p[3] for p in V.PROVINCES])[province])
    return {
        "kanaal": rng.choice(len(V.KANAAL), size=n, p=V.KANAAL_P),
        "melder": rng.choice(len(V.MELDER), size=n, p=V.MELDER_P),
        "geslacht": _draw_rows(rng, V.GESLACHT_P[incident]),
        "province": province,
        "taal": language,
        "french_name": (language == 1) & (rng.random(n) < V.FRENCH_PROVINCE_NAME_P),
        "long_brussels": rng.random(n) < V.BRUSSELS_LONG_NAME_P,
        "ai": _draw_rows(rng, V.AI_P[incident]),
        "relatie": _draw_rows(rng, V.RELATIE_P[incident]),
        "jaar": rng.random(n) < AGE_JAAR_P,
    }


def _igvm_attrs(rng: np.random.Generator, n: int, incident: np.ndarray) -> dict[str, np.ndarray]:
    region = rng.choice(len(V.REGION), size=n, p=V.REGION_P)
    # descriptions in French for most Walloon and half of the Brussels reports
    french_p = np.select([region == V.REGION.index("wallonia"), region == V.REGION.index("brussels")], [0.8, 0.5], 0.0)
    french = rng.random(n) < french_p
    return {
        "channel": rng.choice(len(V.CHANNEL), size=n, p=V.CHANNEL_P),
        "gender": _draw_rows(rng, V.GENDER_P[incident]),
        "region": region,
        "ai": _draw_rows(rng, V.AI_JSON_P[incident]),
        "offender": _draw_rows(rng, V.OFFENDER_P[incident]),
        "french": french,
    }


def _simulate_requests(rng: np.random.Generator, sources: tuple[_Cases, ...], last_export: int) -> _Requests:
    """Requests to the platforms a case names (0-3 each), a few to other platforms; final outcomes
    and times drawn per platform; only requests submitted before the newest export are kept."""
    parts = []
    for cases in sources:
        n = len(cases.opened)
        per_slot = rng.choice(len(V.REQUESTS_PER_PLATFORM_P), size=cases.slots.shape, p=V.REQUESTS_PER_PLATFORM_P)
        per_slot = np.where(cases.slots >= 0, per_slot, 0)
        case, slot = np.nonzero(per_slot)
        reps = per_slot[case, slot]
        case, slot = np.repeat(case, reps), np.repeat(slot, reps)
        platform = cases.slots[case, slot]
        base = np.where(slot == cases.named[case], cases.added_at[case], cases.opened[case])

        extra_p = np.where(cases.named == 0, EXTRA_REQUEST_P_NO_PLATFORM, EXTRA_REQUEST_P)
        extra = np.nonzero(rng.random(n) < extra_p)[0]
        w = V.PLATFORM_WEIGHTS[cases.source]
        extra_platform = rng.choice(len(w), size=len(extra), p=w / w.sum())
        case = np.concatenate([case, extra])
        platform = np.concatenate([platform, extra_platform])
        spelling = _spell(rng, platform)
        base = np.concatenate([base, cases.opened[extra]])
        delay = np.exp(rng.normal(np.log(20 * HOUR), 1.3, len(case))).astype(np.int64)
        parts.append((pc.take(cases.ref, pa.array(case)), platform, spelling, base + np.maximum(delay, 10)))

    case_ref = pa.concat_arrays([p[0] for p in parts])
    platform = np.concatenate([p[1] for p in parts])
    spelling = np.concatenate([p[2] for p in parts])
    submitted = np.concatenate([p[3] for p in parts])
    n = len(submitted)

    outcome = _draw_rows(rng, V.OUTCOME_P[platform])
    median = np.select(
        [outcome == 0, outcome == 1, outcome == 2],
        [V.REMOVAL_MEDIAN_HOURS[platform] * HOUR, np.full(n, 60.0 * HOUR), np.full(n, 72.0 * HOUR)],
        default=1.0,
    )
    took = np.maximum(np.exp(rng.normal(np.log(median), 1.0)).astype(np.int64), 30)
    took = np.where(outcome == 3, NO_RESPONSE_AFTER, took)
    ack_delay = np.maximum(np.exp(rng.normal(np.log(6 * HOUR), 1.0, n)).astype(np.int64), 5)
    ack_delay = np.minimum(ack_delay, (took * rng.uniform(0.05, 0.9, n)).astype(np.int64))
    acknowledged = np.where(outcome == 3, NEVER, submitted + ack_delay)
    content_type = rng.choice(len(V.CONTENT_TYPE), size=n, p=V.CONTENT_TYPE_P)

    keep = np.nonzero(submitted < last_export)[0]
    keep = keep[np.argsort(submitted[keep], kind="stable")]
    return _Requests(
        case_ref=pc.take(case_ref, pa.array(keep)),
        spelling=spelling[keep],
        content_type=content_type[keep],
        submitted=submitted[keep],
        acknowledged=acknowledged[keep],
        resolved=(submitted + took)[keep],
        outcome=outcome[keep],
    )


def _spell(rng: np.random.Generator, platforms: np.ndarray) -> np.ndarray:
    """How each platform name is typed: an index into _SPELLINGS (`""` where there is none)."""
    flat = platforms.ravel()
    known = np.maximum(flat, 0)
    choice = _draw_rows(rng, _SPELLING_W[known])
    return np.where(flat >= 0, _SPELLING_START[known] + choice, _NO_SPELLING).reshape(platforms.shape)


def _draw_rows(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """One categorical draw per row of a weight matrix (inverse CDF; rows need not sum to 1)."""
    cdf = np.cumsum(weights, axis=1)
    u = rng.random(len(weights)) * cdf[:, -1]
    return (u[:, None] >= cdf).sum(axis=1)


def _phones(rng: np.random.Generator, n: int) -> pa.Array:
    prefix = _strings([str(p) for p in V.MOBILE_PREFIXES], rng.integers(0, len(V.MOBILE_PREFIXES), n))
    pairs = [_strings([f"{i:02d}" for i in range(100)], rng.integers(0, 100, n)) for _ in range(3)]
    return _join("+32 ", prefix, " ", pairs[0], " ", pairs[1], " ", pairs[2])


def _references(prefix: str, opened: np.ndarray) -> pa.Array:
    """`<prefix>-<year of opening>-<sequence within that year>` (six digits, more if needed)."""
    local, _ = _utc_to_local(opened)
    year = (local // DAY).astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    sequence = np.arange(len(year)) - np.searchsorted(year, year, side="left") + 1
    return _join(f"{prefix}-", _int_strings(year), "-", pc.utf8_lpad(_int_strings(sequence), width=6, padding="0"))


# --- fixed per-case text ---------------------------------------------------------------------


def _contact(cases: _Cases) -> tuple[pa.Array, pa.Array]:
    """The reporter's full name and `firstname.NNN@example.be` e-mail (phone drawn with the case)."""
    first = _strings(V.FIRST_NAMES, cases.first_name)
    name = _join(first, " ", _strings(V.LAST_NAMES, cases.last_name))
    email = _join(pc.utf8_lower(first), ".", _int_strings(cases.attrs["email_number"]), "@example.be")
    return name, email


def _summary(cases: _Cases, name: pa.Array, leads: tuple[str, ...], bodies: tuple[tuple[str, ...], ...]) -> pa.Array:
    """`<lead> <name> (<phone>) <body>`: the free text repeats the reporter's name and phone.
    `bodies` holds one tuple per incident type; a body may hold one `{eur}` (an amount)."""
    flat = [b for group in bodies for b in group]
    start = np.cumsum([0] + [len(g) for g in bodies])[:-1]
    size = np.array([len(g) for g in bodies])
    body = start[cases.incident] + np.floor(cases.attrs["body"] * size[cases.incident]).astype(np.int64)
    before = [b.split("{eur}")[0] for b in flat]
    after = [b.split("{eur}")[1] if "{eur}" in b else "" for b in flat]
    has_euros = np.array(["{eur}" in b for b in flat])[body]
    euros = _when(has_euros, _strings(V.EUROS, cases.attrs["euros"]))
    lead = _strings(leads, cases.attrs["lead"] % len(leads))
    return _join(lead, " ", name, " (", cases.phone, ") ", _strings(before, body), euros, _strings(after, body))


def _platform_texts(cases: _Cases, separator, element) -> tuple[pa.Array, pa.Array]:
    """The platform field as first exported, and once the platform added later is in."""
    rows = np.arange(len(cases.opened))
    texts = [element(_strings(_SPELLINGS, cases.spelling[:, j])) for j in range(SLOTS - 1)]
    initial = _join(
        *(
            pc.if_else(pa.array(cases.named > j), _join(separator, texts[j]) if j else texts[j], _EMPTY)
            for j in range(SLOTS - 1)
        )
    )
    added = (cases.named >= 1) & (cases.slots[rows, cases.named] >= 0)
    added_text = element(_strings(_SPELLINGS, cases.spelling[rows, cases.named]))
    return initial, _join(initial, pc.if_else(pa.array(added), _join(separator, added_text), _EMPTY))


def _childfocus_parts(cases: _Cases) -> dict[str, pa.Array]:
    a = cases.attrs
    opened_local, _ = _utc_to_local(cases.opened)
    closed_local, _ = _utc_to_local(cases.closed)
    province_nl = _strings([p[0] for p in V.PROVINCES], a["province"])
    province_fr = _strings([p[1] for p in V.PROVINCES], a["province"])
    province = pc.if_else(pa.array(a["french_name"]), province_fr, province_nl)
    brussels_long = a["long_brussels"] & (a["province"] == V.BRUSSEL) & (a["taal"] == 0)
    province = pc.if_else(pa.array(brussels_long), _scalar("Brussels Hoofdstedelijk Gewest"), province)
    age = _join(_int_strings(np.maximum(cases.age, 0)), pc.if_else(pa.array(a["jaar"]), _scalar(" jaar"), _EMPTY))
    age = pc.if_else(pa.array(cases.age >= 0), age, _EMPTY)
    initial, final = _platform_texts(cases, _strings(V.SEPARATORS, a["separator"]), lambda s: s)
    name, email = _contact(cases)
    summary = _summary(cases, name, V.CF_LEADS, V.CF_BODIES)
    return {
        "head": _join(cases.ref, ";", _dmy(opened_local), ";"),
        "close": _dmy(closed_local),
        "mid1": _join(";", _strings(V.KANAAL, a["kanaal"]), ";", _strings(V.MELDER, a["melder"]), ";"),
        "age": age,
        "mid2": _join(
            ";",
            _strings(V.GESLACHT, a["geslacht"]),
            ";",
            province,
            ";",
            _strings(V.TAAL, a["taal"]),
            ";",
            _strings(V.TYPE_FEITEN, cases.incident),
            ";",
            _strings(V.AI, a["ai"]),
            ";",
        ),
        "platforms": _csv_quote(initial, ";"),
        "platforms_added": _csv_quote(final, ";"),
        "tail": _join(
            ";",
            _strings(V.RELATIE, a["relatie"]),
            ";",
            _csv_quote(name, ";"),
            ";",
            cases.phone,
            ";",
            _csv_quote(email, ";"),
            ";",
            _csv_quote(summary, ";"),
            "\r\n",
        ),
    }


def _igvm_parts(cases: _Cases) -> dict[str, pa.Array]:
    a = cases.attrs
    region = _strings([f'"{r}"' if r else "null" for r in V.REGION], a["region"])
    initial, final = _platform_texts(cases, pa.scalar(", ", pa.large_string()), _json_quote)
    name, email = _contact(cases)
    dutch = _summary(cases, name, V.IGVM_LEADS["nl"], V.IGVM_BODIES["nl"])
    french = _summary(cases, name, V.IGVM_LEADS["fr"], V.IGVM_BODIES["fr"])
    description = pc.if_else(pa.array(a["french"]), french, dutch)
    return {
        "head": _join(
            '{"report_id": "',
            cases.ref,
            '", "submitted_at": "',
            _iso(cases.opened),
            '", "channel": "',
            _strings(V.CHANNEL, a["channel"]),
            '", "victim": {"age": ',
        ),
        "age": pc.if_else(pa.array(cases.age >= 0), _int_strings(np.maximum(cases.age, 0)), _scalar("null")),
        "mid": _join(
            ', "gender": "',
            _strings(V.GENDER, a["gender"]),
            '", "region": ',
            region,
            '}, "incident": {"type": "',
            _strings(V.INCIDENT_TYPE, cases.incident),
            '", "ai_generated": ',
            _strings(V.AI_JSON, a["ai"]),
            ', "platforms": [',
        ),
        "platforms": initial,
        "platforms_added": final,
        "offender": _join('], "offender": "', _strings(V.OFFENDER, a["offender"]), '"}, "status": "'),
        "tail": _join(
            '", "contact": {"name": ',
            _json_quote(name),
            ', "email": ',
            _json_quote(email),
            ', "phone": ',
            _json_quote(cases.phone),
            '}, "description": ',
            _json_quote(description),
            "}\n",
        ),
    }


def _takedown_parts(td: _Requests) -> dict[str, pa.Array]:
    n = len(td.submitted)
    request_id = _join("TD-", pc.utf8_lpad(_int_strings(np.arange(1, n + 1)), width=7, padding="0"))
    platform = _csv_quote(_strings(_SPELLINGS, td.spelling), ",")
    return {
        "head": _join(
            request_id,
            ",",
            td.case_ref,
            ",",
            platform,
            ",",
            _strings(V.CONTENT_TYPE, td.content_type),
            ",",
            _iso(td.submitted),
            ",",
        ),
        # never shown where there is no acknowledgement (NEVER is not before any export)
        "acknowledged": _iso(np.where(td.acknowledged == NEVER, td.submitted, td.acknowledged)),
        "resolved": _iso(td.resolved),
        "outcome": _strings(V.OUTCOME, td.outcome),
    }


# --- one export ------------------------------------------------------------------------------


def _visible(registered: np.ndarray, closed: np.ndarray, at: int, previous: int) -> np.ndarray:
    """Indices of the items in the export at `at`: registered before it, still open at the previous one."""
    return np.nonzero((registered < at) & (closed >= previous))[0]


def _platforms_at(cases: _Cases, parts: dict[str, pa.Array], idx: np.ndarray, at: int) -> pa.Array:
    """The platform field as of the export: with the platform added later once it was added."""
    take = pa.array(idx)
    return pc.if_else(
        pa.array(cases.added_at[idx] < at), pc.take(parts["platforms_added"], take), pc.take(parts["platforms"], take)
    )


def _childfocus_rows(cases: _Cases, parts: dict[str, pa.Array], at: int, previous: int) -> tuple[memoryview, int]:
    idx = _visible(cases.registered, cases.closed, at, previous)
    take = pa.array(idx)
    row = _join(
        pc.take(parts["head"], take),
        _when(cases.closed[idx] < at, pc.take(parts["close"], take)),
        pc.take(parts["mid1"], take),
        _when(cases.age_known_at[idx] < at, pc.take(parts["age"], take)),
        pc.take(parts["mid2"], take),
        _platforms_at(cases, parts, idx, at),
        pc.take(parts["tail"], take),
    )
    return _buffer(row), len(idx)


def _igvm_rows(cases: _Cases, parts: dict[str, pa.Array], at: int, previous: int) -> tuple[memoryview, int]:
    idx = _visible(cases.registered, cases.closed, at, previous)
    take = pa.array(idx)
    row = _join(
        pc.take(parts["head"], take),
        pc.if_else(pa.array(cases.age_known_at[idx] < at), pc.take(parts["age"], take), _scalar("null")),
        pc.take(parts["mid"], take),
        _platforms_at(cases, parts, idx, at),
        pc.take(parts["offender"], take),
        pc.if_else(pa.array(cases.closed[idx] < at), _scalar("closed"), _scalar("open")),
        pc.take(parts["tail"], take),
    )
    return _buffer(row), len(idx)


def _takedown_rows(td: _Requests, parts: dict[str, pa.Array], at: int, previous: int) -> tuple[memoryview, int]:
    idx = _visible(td.submitted, td.resolved, at, previous)
    take = pa.array(idx)
    final = td.resolved[idx] < at
    row = _join(
        pc.take(parts["head"], take),
        _when(td.acknowledged[idx] < at, pc.take(parts["acknowledged"], take)),
        ",",
        _when(final, pc.take(parts["resolved"], take)),
        ",",
        pc.if_else(pa.array(final), pc.take(parts["outcome"], take), _scalar("pending")),
        "\n",
    )
    return _buffer(row), len(idx)


def _write(path: Path, header: str, body: memoryview, encoding: str) -> Path:
    """Header plus body; the body is UTF-8, re-encoded for the cp1252 exports (strictly: a
    character cp1252 cannot hold is an error, not a silent `?`)."""
    with path.open("wb") as out:
        if encoding == "cp1252":
            out.write((header + str(body, "utf-8")).encode("cp1252"))
        else:
            out.write(("\ufeff" if encoding == "utf-8-sig" else "").encode("utf-8") + header.encode("utf-8"))
            out.write(body)
    return path


# --- small vectorised helpers ----------------------------------------------------------------

_EMPTY = pa.scalar("", pa.large_string())


def _scalar(text: str) -> pa.Scalar:
    return pa.scalar(text, pa.large_string())


def _strings(table, index: np.ndarray) -> pa.Array:
    """Vocabulary lookup: table[index] as a large_string array."""
    return pc.take(pa.array(list(table), pa.large_string()), pa.array(np.asarray(index, dtype=np.int64)))


def _int_strings(values: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(np.asarray(values, dtype=np.int64)), pa.large_string())


def _join(*parts) -> pa.Array:
    """Element-wise concatenation; plain str parts are constants. No part may hold nulls."""
    arrays = [_scalar(p) if isinstance(p, str) else p for p in parts]
    return pc.binary_join_element_wise(*arrays, _EMPTY)


def _when(mask: np.ndarray, values: pa.Array) -> pa.Array:
    return pc.if_else(pa.array(mask, pa.bool_()), values, _EMPTY)


def _csv_quote(values: pa.Array, delimiter: str) -> pa.Array:
    """Minimal CSV quoting, as Python's csv module does: only fields with the delimiter, a quote or a newline."""
    needs = pc.match_substring(values, delimiter)
    for special in ('"', "\r", "\n"):
        needs = pc.or_(needs, pc.match_substring(values, special))
    quoted = _join('"', pc.replace_substring(values, '"', '""'), '"')
    return pc.if_else(needs, quoted, values)


def _json_quote(values: pa.Array) -> pa.Array:
    """A JSON string literal (the generated texts hold no control characters)."""
    escaped = pc.replace_substring(pc.replace_substring(values, "\\", "\\\\"), '"', '\\"')
    return _join('"', escaped, '"')


def _buffer(rows: pa.Array) -> memoryview:
    """All rows back to back: a view on the data buffer of the string array (no copy)."""
    if len(rows) == 0:
        return memoryview(b"")
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64)[rows.offset : rows.offset + len(rows) + 1]
    return memoryview(rows.buffers()[2])[offsets[0] : offsets[-1]]


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _local_to_utc(local_minutes: np.ndarray) -> np.ndarray:
    """Europe/Brussels wall-clock minutes to UTC minutes (a time in the spring gap moves forward)."""
    local = pd.DatetimeIndex(np.asarray(local_minutes, dtype=np.int64).astype("datetime64[m]"))
    utc = local.tz_localize(TZ, ambiguous=np.zeros(len(local), dtype=bool), nonexistent="shift_forward")
    return utc.as_unit("s").asi8 // 60


def _utc_to_local(utc_minutes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """UTC minutes to Europe/Brussels wall-clock minutes and the UTC offset in minutes."""
    utc = pd.DatetimeIndex(np.asarray(utc_minutes, dtype=np.int64).astype("datetime64[m]")).tz_localize("UTC")
    local = utc.tz_convert(TZ).tz_localize(None).as_unit("s").asi8 // 60
    return local, local - utc_minutes


def _dmy(local_minutes: np.ndarray) -> pa.Array:
    """`dd/mm/yyyy HH:MM` through lookup tables of the days and minutes that occur."""
    days, minutes = np.divmod(local_minutes, DAY)
    first = int(days.min()) if len(days) else 0
    iso = np.datetime_as_string(np.arange(first, int(days.max()) + 1 if len(days) else 1).astype("datetime64[D]"))
    table = [f"{d[8:10]}/{d[5:7]}/{d[0:4]}" for d in iso]
    return _join(_strings(table, days - first), " ", _strings(_CLOCK, minutes))


def _iso(utc_minutes: np.ndarray) -> pa.Array:
    """ISO-8601 local time with the offset that applied at that instant (+01:00 / +02:00)."""
    local, offset = _utc_to_local(utc_minutes)
    days, minutes = np.divmod(local, DAY)
    first = int(days.min()) if len(days) else 0
    table = np.datetime_as_string(np.arange(first, int(days.max()) + 1 if len(days) else 1).astype("datetime64[D]"))
    offsets = _strings(["+01:00", "+02:00"], (offset == 120).astype(np.int64))
    return _join(_strings(table, days - first), "T", _strings(_CLOCK, minutes), ":00", offsets)


_CLOCK = [f"{m // 60:02d}:{m % 60:02d}" for m in range(DAY)]
