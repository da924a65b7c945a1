"""Drift statistics: pure functions over counts, one per check, each returning a verdict.

Every check compares the period (the latest complete month of a source) with a trailing
baseline of months. The statistics come from scipy; what is written here is only which
statistic answers which question and where the bands are:

- distribution shift: population stability index (PSI) of the category shares, with the
  usual bands (< 0.1 stable, 0.1-0.25 moderate, >= 0.25 major). PSI is the symmetric
  Kullback-Leibler divergence, so it is `rel_entr(p, q) + rel_entr(q, p)` summed. On a small
  month PSI is noisy, so a band only counts when a chi-square test of equal shares also
  rejects (p < 0.001): a shift must be both large and real.
- volume: robust z of the month's count against the baseline median, spread = the MAD
  scaled to a normal sigma, floored at the Poisson spread sqrt(median) so that a baseline of
  near-identical months does not make every small wobble an anomaly.
- missing-rate jump: the rise, in percentage points, of a field's empty share, gated by a
  chi-square test of equal proportions for the same reason as PSI.
- freshness: days since the source's newest export against its expected cadence.

What a verdict says is published (`monitoring_checks`, `alerts`) beside the marts, so it never gives a count from 1
to k-1 nor a figure that, with a published total, would narrow a suppressed one: a month's count is stated only when
it is k or more (the marts publish every such monthly total too), shares are not stated at all (a shift names the
categories that moved and which way), PSI is rounded to two decimals and a missing-rate rise to points coarse
enough that the count it implies is uncertain by 2(k-1) cases or more.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy.special import rel_entr
from scipy.stats import chi2_contingency, median_abs_deviation

OK, WARN, ERROR, SKIPPED = "ok", "warn", "error", "skipped"
SEVERITY_ORDER = {OK: 0, SKIPPED: 0, WARN: 1, ERROR: 2}

PSI_WARN, PSI_ERROR = 0.10, 0.25
SIGNIFICANCE = 0.001  # chi-square gate for PSI and missing-rate jumps
VOLUME_Z_WARN, VOLUME_Z_ERROR = 3.5, 6.0
MISSING_JUMP_WARN, MISSING_JUMP_ERROR = 10.0, 25.0  # percentage points
MIN_PERIOD_N = 30  # fewer cases in the period: shares say nothing, the check is skipped
PSI_SMOOTHING = 0.5  # added to every category count so a new or vanished category has a finite PSI
POINT_STEPS = (1, 2, 5, 10, 25, 50)  # percentage-point roundings of a missing-rate rise, finest first


@dataclass(frozen=True)
class Verdict:
    statistic: float | None
    threshold: float | None
    status: str
    detail: str


def distribution_shift(baseline: Mapping[str, float], current: Mapping[str, float]) -> Verdict:
    """PSI of the category shares (period against the pooled baseline), gated by chi-square."""
    categories = sorted(set(baseline) | set(current))
    base = np.array([baseline.get(c, 0) for c in categories], dtype=float)
    cur = np.array([current.get(c, 0) for c in categories], dtype=float)
    if cur.sum() < MIN_PERIOD_N or base.sum() < MIN_PERIOD_N:
        return Verdict(None, PSI_WARN, SKIPPED, f"too few cases to compare shares ({int(cur.sum())} in the period)")
    p = (cur + PSI_SMOOTHING) / (cur + PSI_SMOOTHING).sum()
    q = (base + PSI_SMOOTHING) / (base + PSI_SMOOTHING).sum()
    psi = round(float(np.sum(rel_entr(p, q) + rel_entr(q, p))), 2)
    seen = (base + cur) > 0
    p_value = float(chi2_contingency(np.vstack([base[seen], cur[seen]]))[1]) if seen.sum() > 1 else 1.0
    status = OK
    if p_value < SIGNIFICANCE:
        status = ERROR if psi >= PSI_ERROR else WARN if psi >= PSI_WARN else OK
    moved = np.argsort(-np.abs(p - q), kind="stable")[:3]
    shifts = ", ".join(f"{categories[i]} {'up' if p[i] > q[i] else 'down'}" for i in moved)
    return Verdict(psi, PSI_WARN, status, f"PSI {psi:.2f} (chi-square p={p_value:.0e}); largest moves: {shifts}")


def volume_anomaly(baseline_counts: Sequence[float], current: float, k: int) -> Verdict:
    """Robust z of the period's count against the baseline months (median and scaled MAD).

    A count from 1 to k-1 (the period's, or a baseline month's that the median could give back) is not stated,
    and neither is the z that would give it back."""
    counts = np.asarray(baseline_counts, dtype=float)
    median = float(np.median(counts))
    spread = max(float(median_abs_deviation(counts, scale="normal")), math.sqrt(max(median, 1.0)))
    z = (current - median) / spread
    status = ERROR if abs(z) >= VOLUME_Z_ERROR else WARN if abs(z) >= VOLUME_Z_WARN else OK
    small = [c for c in [*counts, current] if 1 <= c < k]
    if small:
        now = f"{int(current)}" if current >= k else f"fewer than {k}"  # 0 included: "0" would make it 1..k-1
        return Verdict(
            None,
            VOLUME_Z_WARN,
            status,
            f"{now} in the period; the baseline holds months with fewer than {k} (median not shown)",
        )
    return Verdict(
        round(z, 1),
        VOLUME_Z_WARN,
        status,
        f"{int(current)} in the period against a baseline median of {median:.0f} (robust z {z:+.1f})",
    )


def missing_rate_jump(baseline_missing: int, baseline_n: int, current_missing: int, current_n: int, k: int) -> Verdict:
    """Rise of a field's empty share in percentage points, gated by a chi-square test of equal shares.

    The rise is stated in steps of whole points coarse enough (for the period's published case count) that the
    empty count it implies is uncertain by 2(k-1) or more; the shares themselves are not stated."""
    if current_n < MIN_PERIOD_N or baseline_n < MIN_PERIOD_N:
        return Verdict(None, MISSING_JUMP_WARN, SKIPPED, f"too few rows ({current_n} in the period)")
    before, now = 100 * baseline_missing / baseline_n, 100 * current_missing / current_n
    jump = now - before
    table = np.array(
        [[baseline_missing, baseline_n - baseline_missing], [current_missing, current_n - current_missing]]
    )
    p_value = float(chi2_contingency(table)[1]) if table.sum(axis=0).all() else 1.0
    status = OK
    if p_value < SIGNIFICANCE:
        status = ERROR if jump >= MISSING_JUMP_ERROR else WARN if jump >= MISSING_JUMP_WARN else OK
    step = next((s for s in POINT_STEPS if current_n * s / 100 >= 2 * (k - 1)), POINT_STEPS[-1])
    shown = step * round(jump / step)
    return Verdict(
        float(shown),
        MISSING_JUMP_WARN,
        status,
        f"the empty share changed by about {shown:+d} points (rounded to {step}; chi-square p={p_value:.0e})",
    )


def freshness(newest_export: date | None, today: date, cadence_days: int) -> Verdict:
    """Days since the newest export against the expected cadence (twice the cadence is an error)."""
    if newest_export is None:
        return Verdict(None, float(cadence_days), ERROR, "no export from this source has ever loaded")
    age = (today - newest_export).days
    status = ERROR if age > 2 * cadence_days else WARN if age > cadence_days else OK
    return Verdict(
        float(age),
        float(cadence_days),
        status,
        f"newest export dated {newest_export:%Y-%m-%d}, {age} days ago (expected every {cadence_days} days)",
    )


def worst(statuses: Sequence[str]) -> str:
    return max(statuses, key=lambda s: SEVERITY_ORDER[s], default=OK)
