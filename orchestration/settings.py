"""Settings read from the environment (the contract's `NCII_*` variables), in one place."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
SEEDS_DIR = REPO_ROOT / "seeds"
EXPECTATIONS_DIR = REPO_ROOT / "expectations"

# In the repository, not the current folder: `make demo` fills these and `ncii` finds them from any folder.
DEFAULT_LANDING_DIR = REPO_ROOT / "data" / "landing"
DEFAULT_WAREHOUSE_DIR = REPO_ROOT / "data" / "warehouse"
DEFAULT_SUPPRESSION_K = 5
DEFAULT_DRIFT_BASELINE_MONTHS = 6
DEFAULT_FRESHNESS_DAYS = 35  # monthly exports, plus a few days' grace
# Upper bounds: beyond them a value is a typo, not a policy (k = 100 already suppresses nearly every cell; five
# years of baseline outlast any recording change; a year without an export is no longer "fresh").
MAX_SUPPRESSION_K = 100
MAX_DRIFT_BASELINE_MONTHS = 60
MAX_FRESHNESS_DAYS = 366
MIN_KEY_LENGTH = 32  # characters; the contract refuses shorter pseudonym keys
# A landing file modified more recently than this is watched before it is loaded (see ingestion/landing.py).
DEFAULT_LANDING_QUIET_SECONDS = 2.0
KEY_FILE_NAME = ".pseudonym_key"
# DuckDB takes 80% of the machine's memory by default and holds on to it; with a cap it spills to
# disk instead. The pipeline's own connections use this; dbt's is set in dbt_project/profiles.yml.
DUCKDB_MEMORY_LIMIT = "4GB"

# The marts the contract publishes, in the order analysts meet them.
PUBLISHED_MARTS = (
    "platform_monthly",
    "victim_demographics_quarterly",
    "survey_prevalence",
    "platform_exposure_vs_reports",
    # dsa: the platforms' own statements of reasons (orchestration/ingestion/dsa/)
    "platform_statements_monthly",
    "platform_responsiveness",
)
DSA_ENGINES = ("duckdb", "spark")
# Published next to the marts so analysts can query and chart them (published name -> warehouse table).
PUBLISHED_MONITORING = {"monitoring_checks": "monitoring.checks", "alerts": "monitoring.alerts"}


class SettingsError(RuntimeError):
    """A setting is missing or unusable; the message is one line an operator can act on."""


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    warehouse_dir: Path
    pseudonym_key: bytes | None
    alert_webhook_url: str | None
    suppression_k: int
    drift_baseline_months: int = DEFAULT_DRIFT_BASELINE_MONTHS
    freshness_days: int = DEFAULT_FRESHNESS_DAYS
    dsa_engine: str = "duckdb"  # NCII_DSA_ENGINE: duckdb | spark
    spark_master: str | None = None  # NCII_SPARK_MASTER: local[*] when unset; spark://, yarn, k8s:// or sc://
    dsa_scratch_dir: Path | None = None  # NCII_DSA_SCRATCH_DIR: where a dump's parts are extracted, one at a time
    landing_quiet_seconds: float = DEFAULT_LANDING_QUIET_SECONDS

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        warehouse_dir = Path(env.get("NCII_WAREHOUSE_DIR") or DEFAULT_WAREHOUSE_DIR).absolute()
        k = _whole_number(env, "NCII_SUPPRESSION_K", DEFAULT_SUPPRESSION_K, 2, MAX_SUPPRESSION_K)
        baseline = _whole_number(
            env, "NCII_DRIFT_BASELINE_MONTHS", DEFAULT_DRIFT_BASELINE_MONTHS, 3, MAX_DRIFT_BASELINE_MONTHS
        )
        freshness_days = _whole_number(env, "NCII_FRESHNESS_DAYS", DEFAULT_FRESHNESS_DAYS, 1, MAX_FRESHNESS_DAYS)
        dsa_engine = (env.get("NCII_DSA_ENGINE") or "duckdb").strip().lower()
        if dsa_engine not in DSA_ENGINES:
            raise SettingsError(f"NCII_DSA_ENGINE must be one of {', '.join(DSA_ENGINES)}, got {dsa_engine!r}")
        quiet = _seconds(env, "NCII_LANDING_QUIET_SECONDS", DEFAULT_LANDING_QUIET_SECONDS)
        key = env.get("NCII_PSEUDONYM_KEY")
        if not key:
            key_file = warehouse_dir / KEY_FILE_NAME
            key = key_file.read_text().strip() if key_file.exists() else None
        return cls(
            landing_dir=Path(env.get("NCII_LANDING_DIR") or DEFAULT_LANDING_DIR).absolute(),
            warehouse_dir=warehouse_dir,
            pseudonym_key=key.encode() if key else None,
            alert_webhook_url=env.get("NCII_ALERT_WEBHOOK_URL") or None,
            suppression_k=k,
            drift_baseline_months=baseline,
            freshness_days=freshness_days,
            dsa_engine=dsa_engine,
            spark_master=env.get("NCII_SPARK_MASTER") or None,
            dsa_scratch_dir=Path(env["NCII_DSA_SCRATCH_DIR"]).absolute() if env.get("NCII_DSA_SCRATCH_DIR") else None,
            landing_quiet_seconds=quiet,
        )

    # --- files of the warehouse directory -------------------------------------------
    @property
    def warehouse_db(self) -> Path:
        """Internal working database: raw, staging, intermediate and mart schemas. Analysts never open it."""
        return self.warehouse_dir / "warehouse.duckdb"

    @property
    def published_db(self) -> Path:
        return self.warehouse_dir / "published.duckdb"

    @property
    def published_dir(self) -> Path:
        return self.warehouse_dir / "published"

    @property
    def reports_dir(self) -> Path:
        return self.warehouse_dir / "reports"

    @property
    def dbt_target_dir(self) -> Path:
        """dbt's target folder for this warehouse: artifacts, logs and the partial-parse state of its runs."""
        return self.warehouse_dir / "dbt"

    def require_key(self) -> bytes:
        """The keyed hash must be stable across runs, so a missing key is an error, never invented;
        a short key could be guessed and every pseudonym reversed, so it is refused too."""
        if not self.pseudonym_key:
            raise SettingsError(
                "no pseudonym key: set NCII_PSEUDONYM_KEY (a long random secret, kept out of git) "
                "or run `ncii demo` once to create a local demo key"
            )
        if len(self.pseudonym_key) < MIN_KEY_LENGTH:
            raise SettingsError(
                f"NCII_PSEUDONYM_KEY has {len(self.pseudonym_key)} characters; use at least {MIN_KEY_LENGTH} "
                "(for example the output of `python3 -c 'import secrets; print(secrets.token_hex(32))'`)"
            )
        return self.pseudonym_key

    def environment(self) -> dict[str, str]:
        """The settings as the `NCII_*` variables that resources and the dbt subprocess read."""
        values = {
            "NCII_LANDING_DIR": str(self.landing_dir),
            "NCII_WAREHOUSE_DIR": str(self.warehouse_dir),
            "NCII_SUPPRESSION_K": str(self.suppression_k),
            "NCII_DRIFT_BASELINE_MONTHS": str(self.drift_baseline_months),
            "NCII_FRESHNESS_DAYS": str(self.freshness_days),
            "NCII_LANDING_QUIET_SECONDS": str(self.landing_quiet_seconds),
            "NCII_PSEUDONYM_KEY": self.require_key().decode(),
        }
        if self.alert_webhook_url:
            values["NCII_ALERT_WEBHOOK_URL"] = self.alert_webhook_url
        values["NCII_DSA_ENGINE"] = self.dsa_engine
        if self.spark_master:
            values["NCII_SPARK_MASTER"] = self.spark_master
        if self.dsa_scratch_dir:
            values["NCII_DSA_SCRATCH_DIR"] = str(self.dsa_scratch_dir)
        return values

    def dbt_env(self) -> dict[str, str]:
        """Environment for the dbt subprocess: where the warehouse is and the suppression threshold."""
        return {
            "NCII_WAREHOUSE_DIR": str(self.warehouse_dir),
            "NCII_SUPPRESSION_K": str(self.suppression_k),
        }


def _whole_number(env: dict[str, str], name: str, default: int, minimum: int, maximum: int) -> int:
    """A whole number in [minimum, maximum], checked before any work so a typo never fails a run half-way."""
    raw = (env.get(name) or str(default)).strip()
    shown = raw if len(raw) <= 20 else raw[:20] + "..."
    if not raw.isascii() or not raw.lstrip("+-").isdigit():
        raise SettingsError(f"{name} must be a whole number from {minimum} to {maximum}, got {shown!r}")
    value = int(raw) if len(raw) <= 20 else maximum + 1
    if not minimum <= value <= maximum:
        raise SettingsError(f"{name} must be a whole number from {minimum} to {maximum}, got {shown}")
    return value


def _seconds(env: dict[str, str], name: str, default: float) -> float:
    raw = env.get(name) or str(default)
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number of seconds, got {raw!r}") from None
    if not 0 <= value <= 3600:
        raise SettingsError(f"{name} must be between 0 and 3600 seconds, got {raw}")
    return value


def create_demo_key(warehouse_dir: Path) -> Path:
    """Write a random key readable by the owner only, unless one exists (pseudonyms must stay stable)."""
    warehouse_dir.mkdir(parents=True, exist_ok=True)
    key_file = warehouse_dir / KEY_FILE_NAME
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return key_file
