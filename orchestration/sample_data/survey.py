"""Sample youth-survey waves: 2024 as a Qualtrics CSV export, 2026 as an SPSS .sav file.

The 2024 wave reproduces the published weighted figures (heard 41.9%, received 13.8%, knows
apps 12.8%, tried among app-aware 60.5%, came across via Snapchat 32.9%, X 25.7%, Instagram
25.5%, TikTok 20.2%, Telegram 18.9%) with more young men than young women knowing and having
tried. Yes-answers are handed out by weight, respondents ordered at random with a propensity
by gender, until each target share of the weighted base is reached: so the weighted estimate
lands on the figure instead of only near it. The sample over-represents girls and 15-17 year
olds, and the post-stratification weights (age x gender x region) correct for it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from orchestration.ingestion.readers.survey import QUESTIONS

PLATFORM_OPTIONS = ["snapchat", "x", "instagram", "tiktok", "telegram", "whatsapp", "facebook", "discord", "other"]
REASONS = ["humiliate", "revenge", "curiosity", "popularity", "other"]

WAVES = {
    "2024": {
        "n": 2850,
        "heard": 41.9,
        "received": 13.8,
        "apps": 12.8,
        "tried_aware": 60.5,
        "crime": 71.0,
        "via": [32.9, 25.7, 25.5, 20.2, 18.9, 12.0, 8.0, 9.5, 4.0],
        "reasons": [28.0, 17.0, 52.0, 21.0, 9.0],
    },
    "2026": {
        "n": 3050,
        "heard": 54.5,
        "received": 18.6,
        "apps": 17.9,
        "tried_aware": 55.2,
        "crime": 76.0,
        "via": [34.1, 23.0, 27.2, 24.8, 26.5, 14.1, 7.2, 11.0, 5.2],
        "reasons": [26.0, 15.0, 56.0, 19.0, 10.0],
    },
}
MALE_PROPENSITY = {"apps": 2.2, "tried_aware": 1.6, "received": 1.2, "heard": 1.15}
# Population shares for the weights (15-25 year olds in Belgium, by province: 1..11).
PROVINCE_SHARE = np.array([16.5, 7.5, 13.5, 10.0, 10.3, 11.0, 3.6, 11.8, 9.6, 2.5, 4.2])
QUESTION_TEXT = {
    "Q1": "Hoe oud ben je?",
    "Q2": "Wat is je gender?",
    "Q3": "In welke provincie woon je?",
    "Q10": "Heb je al gehoord van deepnudes?",
    "Q11": "Heb je ooit een deepnude ontvangen?",
    "Q12": "Ken je deepnude-apps?",
    "Q13": "Heb je al geprobeerd een deepnude te maken?",
    **{
        f"Q15_{i}": f"Via welke kanalen kwam je in aanraking met deepnudes? - {p}"
        for i, p in enumerate(PLATFORM_OPTIONS, 1)
    },
    **{f"Q16_{i}": f"Waarom heb je een deepnude gemaakt? - {r}" for i, r in enumerate(REASONS, 1)},
    "Q17": "Weet je dat een deepnude maken zonder toestemming strafbaar is?",
}
VALUE_LABELS = {
    "Q2": {1: "man", 2: "vrouw", 3: "non-binair/anders", 4: "zeg ik liever niet"},
    "Q3": {
        i: name
        for i, name in enumerate(
            [
                "Antwerpen",
                "Limburg",
                "Oost-Vlaanderen",
                "Vlaams-Brabant",
                "West-Vlaanderen",
                "Brussel",
                "Waals-Brabant",
                "Henegouwen",
                "Luik",
                "Luxemburg",
                "Namen",
                "weet niet",
            ],
            1,
        )
    },
    **{q: {1: "ja", 2: "nee", 3: "niet zeker"} for q in ("Q10", "Q11")},
    **{q: {1: "ja", 2: "nee"} for q in ("Q12", "Q13", "Q17")},
    **{q: {1: "geselecteerd"} for q in QUESTIONS if q.startswith(("Q15_", "Q16_"))},
    "Finished": {0: "nee", 1: "ja"},
}


def _respondents(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Demographics with a deliberate sample skew, and post-stratification weights that undo it."""
    gender = rng.choice([1, 2, 3, 4], size=n, p=[0.42, 0.54, 0.03, 0.01])
    age = np.where(rng.random(n) < 0.40, rng.integers(15, 18, n), rng.integers(18, 26, n))
    province = np.where(
        rng.random(n) < 0.97, rng.choice(np.arange(1, 12), size=n, p=PROVINCE_SHARE / PROVINCE_SHARE.sum()), 12
    )
    frame = pd.DataFrame({"Q1": age, "Q2": gender, "Q3": province})
    population = {  # target shares of gender and age band in the 15-25 population
        "gender": {1: 0.49, 2: 0.48, 3: 0.02, 4: 0.01},
        "age": {"15_17": 3 / 11, "18_25": 8 / 11},
    }
    age_group = np.where(age < 18, "15_17", "18_25")
    weight = np.ones(n)
    for _ in range(20):  # raking on gender and age (iterative proportional fitting)
        for key, column in (("gender", gender), ("age", age_group)):
            for value, share in population[key].items():
                mask = column == value
                if mask.any():
                    weight[mask] *= share * weight.sum() / weight[mask].sum()
    weight *= rng.lognormal(0, 0.15, n)  # the region margin and real-world trimming add spread
    frame["weight"] = np.round(weight / weight.mean(), 4)
    return frame


def _allocate(
    rng: np.random.Generator, weights: np.ndarray, eligible: np.ndarray, target_pct: float, propensity: np.ndarray
) -> np.ndarray:
    """Mark respondents yes, in a random order favouring high propensity, until the weighted share is reached."""
    yes = np.zeros(len(weights), dtype=bool)
    index = np.flatnonzero(eligible)
    if index.size == 0:
        return yes
    keys = rng.random(index.size) ** (1.0 / propensity[index])  # weighted random order (Efraimidis-Spirakis)
    order = index[np.argsort(-keys)]
    goal = target_pct / 100 * weights[index].sum()
    cumulative = np.cumsum(weights[order])
    take = int(np.searchsorted(cumulative, goal))  # first prefix whose weight reaches the goal
    if take < order.size and (take == 0 or cumulative[take] - goal < goal - cumulative[take - 1]):
        take += 1  # the prefix ending closest to the goal
    yes[order[:take]] = True
    return yes


def make_wave(wave: str, seed: int) -> pd.DataFrame:
    """One wave's respondent rows in Qualtrics naming, unfinished responses included."""
    spec = WAVES[wave]
    rng = np.random.default_rng(seed)
    frame = _respondents(rng, spec["n"])
    w = frame["weight"].to_numpy()
    male = frame["Q2"].to_numpy() == 1
    everyone = np.ones(len(frame), dtype=bool)

    def propensity(name: str) -> np.ndarray:
        return np.where(male, MALE_PROPENSITY.get(name, 1.0), 1.0)

    def answer(yes: np.ndarray, asked: np.ndarray, not_sure_share: float = 0.0) -> np.ndarray:
        codes = np.where(yes, 1, np.where(rng.random(len(yes)) < not_sure_share, 3, 2)).astype(float)
        return np.where(asked, codes, np.nan)

    heard = _allocate(rng, w, everyone, spec["heard"], propensity("heard"))
    frame["Q10"] = answer(heard, everyone, 0.08)
    received = _allocate(rng, w, everyone, spec["received"], propensity("received") * np.where(heard, 4.0, 1.0))
    frame["Q11"] = answer(received, everyone, 0.05)
    apps = _allocate(rng, w, everyone, spec["apps"], propensity("apps") * np.where(heard, 3.0, 1.0))
    frame["Q12"] = answer(apps, everyone)
    tried = _allocate(rng, w, apps, spec["tried_aware"], propensity("tried_aware"))
    frame["Q13"] = answer(tried, apps)
    for i, pct in enumerate(spec["via"], 1):
        frame[f"Q15_{i}"] = np.where(heard & _allocate(rng, w, heard, pct, np.ones(len(w))), 1.0, np.nan)
    for i, pct in enumerate(spec["reasons"], 1):
        frame[f"Q16_{i}"] = np.where(tried & _allocate(rng, w, tried, pct, np.ones(len(w))), 1.0, np.nan)
    crime = _allocate(rng, w, everyone, spec["crime"], np.where(male, 0.9, 1.0))
    frame["Q17"] = answer(crime, everyone)
    # A few asked-but-unanswered single-choice items: outside that indicator's base.
    for question in ("Q11", "Q17"):
        frame.loc[rng.random(len(frame)) < 0.01, question] = np.nan

    frame.insert(0, "Finished", 1)
    unfinished = _unfinished(rng, frame, share=0.05)
    frame = pd.concat([frame, unfinished], ignore_index=True).sample(frac=1, random_state=seed).reset_index(drop=True)
    frame.insert(0, "ResponseId", [f"R_{h:012x}" for h in rng.integers(0, 2**48, len(frame))])
    start = pd.Timestamp(f"{wave}-03-01 09:00") + pd.to_timedelta(rng.integers(0, 28 * 24 * 60, len(frame)), unit="min")
    frame.insert(1, "StartDate", start.strftime("%Y-%m-%d %H:%M:%S"))
    frame.insert(
        2,
        "EndDate",
        (start + pd.to_timedelta(rng.integers(6, 40, len(frame)), unit="min")).strftime("%Y-%m-%d %H:%M:%S"),
    )
    return frame[["ResponseId", "StartDate", "EndDate", "Finished", *QUESTIONS, "weight"]]


def _unfinished(rng: np.random.Generator, finished: pd.DataFrame, share: float) -> pd.DataFrame:
    """Break-offs: copies of random answer patterns cut off part-way, never counted."""
    rows = finished.sample(n=int(len(finished) * share), random_state=int(rng.integers(1 << 31))).copy()
    rows["Finished"] = 0
    rows[[q for q in QUESTIONS if q not in ("Q1", "Q2", "Q3", "Q10")]] = np.nan
    rows["weight"] = np.nan
    return rows


def write_qualtrics_csv(frame: pd.DataFrame, path: Path) -> None:
    """Qualtrics layout: names, question text, ImportId JSON; UTF-8 with BOM; empty for not asked."""
    text_row = [QUESTION_TEXT.get(c, c) for c in frame.columns]
    import_row = [f'{{"ImportId": "{"QID" + c[1:] if c.startswith("Q") else c}"}}' for c in frame.columns]
    body = frame.astype(object).where(frame.notna(), "")
    body = body.map(lambda v: str(int(v)) if isinstance(v, float) and v.is_integer() else v)
    header = pd.DataFrame([text_row, import_row], columns=frame.columns)
    pd.concat([header, body], ignore_index=True).to_csv(path, index=False, encoding="utf-8-sig")


def write_sav(frame: pd.DataFrame, path: Path) -> None:
    """SPSS with the same variable names, question texts as variable labels and value labels."""
    import pyreadstat

    data = frame.copy()
    for column in data.columns:
        if column not in ("ResponseId", "StartDate", "EndDate"):
            data[column] = pd.to_numeric(data[column], errors="coerce").astype("float64")
    pyreadstat.write_sav(
        data,
        str(path),
        column_labels=[QUESTION_TEXT.get(c, c) for c in data.columns],
        variable_value_labels={c: labels for c, labels in VALUE_LABELS.items() if c in data.columns},
    )


def generate_survey_landing(landing_dir: Path, *, seed: int = 2024) -> list[Path]:
    """Write the 2024 wave (Qualtrics CSV) and the 2026 wave (.sav) into the landing folder."""
    landing_dir.mkdir(parents=True, exist_ok=True)
    csv_path = landing_dir / "survey_2024_qualtrics.csv"
    write_qualtrics_csv(make_wave("2024", seed), csv_path)
    sav_path = landing_dir / "survey_2026.sav"
    write_sav(make_wave("2026", seed + 2), sav_path)
    return [csv_path, sav_path]
