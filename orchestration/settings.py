"""The settings of a warehouse as one value, read from the environment (the contract's `NCII_*` variables) in one place.

`Settings.from_env()` runs once at each edge: `ncii`'s `main`, the Dagster definitions (`dagster dev`, the
daemon and its run workers) and `ncii-dbt`. Everything else receives the value: the runner, the Dagster
resources (`WarehouseResource.from_settings`), the sensors. A subprocess that builds its own settings gets
them as variables (`environment()`) when it is started, never through this process's `os.environ`.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Collection
from dataclasses import dataclass, replace
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
# disk instead. Every connection of the pipeline opens with it (orchestration/database.py), and so does
# dbt's: dbt_project/profiles.yml reads it from NCII_DUCKDB_MEMORY_LIMIT, which every dbt command gets from
# here (`WRAPPER_ENV` in orchestration/transformation/dbt_in_warehouse.py). A run's whole process tree stays
# under 4 GiB: the dbt subprocess (DuckDB's cap and dbt itself) runs beside the pipeline's own process, which
# holds Dagster, GX and pandas (docs/benchmarks.md, peak memory at 10M).
DUCKDB_MEMORY_LIMIT = "3GB"
# The settings a dbt command needs, as the variables `environment()` gives them: the warehouse folder
# (`ncii-dbt` runs dbt there) and k (dbt_project/ reads `env_var('NCII_SUPPRESSION_K')`). Never the key.
DBT_VARIABLES = ("NCII_WAREHOUSE_DIR", "NCII_SUPPRESSION_K")

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


# The bounded settings: (variable, minimum, maximum). `from_env` refuses a value outside them with the
# variable's name, and so does every other way a `Settings` is made (a Dagster resource's config included).
BOUNDS: dict[str, tuple[str, float, float]] = {
    "suppression_k": ("NCII_SUPPRESSION_K", 2, MAX_SUPPRESSION_K),
    "drift_baseline_months": ("NCII_DRIFT_BASELINE_MONTHS", 3, MAX_DRIFT_BASELINE_MONTHS),
    "freshness_days": ("NCII_FRESHNESS_DAYS", 1, MAX_FRESHNESS_DAYS),
    "landing_quiet_seconds": ("NCII_LANDING_QUIET_SECONDS", 0, 3600),
}


@dataclass(frozen=True)
class Settings:
    """The settings of one warehouse; `Settings()` holds the defaults, the only ones."""

    landing_dir: Path = DEFAULT_LANDING_DIR
    warehouse_dir: Path = DEFAULT_WAREHOUSE_DIR
    pseudonym_key: bytes | None = None
    alert_webhook_url: str | None = None
    suppression_k: int = DEFAULT_SUPPRESSION_K
    drift_baseline_months: int = DEFAULT_DRIFT_BASELINE_MONTHS
    freshness_days: int = DEFAULT_FRESHNESS_DAYS
    dsa_engine: str = "duckdb"  # NCII_DSA_ENGINE: duckdb | spark
    spark_master: str | None = None  # NCII_SPARK_MASTER: local[*] when unset; spark://, yarn, k8s:// or sc://
    dsa_scratch_dir: Path | None = None  # NCII_DSA_SCRATCH_DIR: where a dump's parts are extracted, one at a time
    landing_quiet_seconds: float = DEFAULT_LANDING_QUIET_SECONDS

    def __post_init__(self) -> None:
        for name, (variable, minimum, maximum) in BOUNDS.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not minimum <= value <= maximum:
                raise SettingsError(f"{variable} must be from {minimum} to {maximum}, got {value!r}")
        if self.dsa_engine not in DSA_ENGINES:
            raise SettingsError(f"NCII_DSA_ENGINE must be one of {', '.join(DSA_ENGINES)}, got {self.dsa_engine!r}")

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """The settings the `NCII_*` variables give (unset ones take the defaults); the key, when no variable
        gives it, from the warehouse's key file. Call it at an edge only: everything else is handed the value."""
        env = dict(os.environ if env is None else env)
        defaults = cls()
        warehouse_dir = Path(env.get("NCII_WAREHOUSE_DIR") or defaults.warehouse_dir).absolute()
        k = _whole_number(env, "suppression_k", defaults.suppression_k)
        baseline = _whole_number(env, "drift_baseline_months", defaults.drift_baseline_months)
        freshness_days = _whole_number(env, "freshness_days", defaults.freshness_days)
        dsa_engine = (env.get("NCII_DSA_ENGINE") or defaults.dsa_engine).strip().lower()
        quiet = _seconds(env, "NCII_LANDING_QUIET_SECONDS", defaults.landing_quiet_seconds)
        key = env.get("NCII_PSEUDONYM_KEY")
        return cls(
            landing_dir=Path(env.get("NCII_LANDING_DIR") or defaults.landing_dir).absolute(),
            warehouse_dir=warehouse_dir,
            pseudonym_key=key.encode() if key else _read_key_file(warehouse_dir / KEY_FILE_NAME),
            alert_webhook_url=env.get("NCII_ALERT_WEBHOOK_URL") or None,
            suppression_k=k,
            drift_baseline_months=baseline,
            freshness_days=freshness_days,
            dsa_engine=dsa_engine,
            spark_master=env.get("NCII_SPARK_MASTER") or None,
            dsa_scratch_dir=Path(env["NCII_DSA_SCRATCH_DIR"]).absolute() if env.get("NCII_DSA_SCRATCH_DIR") else None,
            landing_quiet_seconds=quiet,
        )

    def with_key_file(self) -> Settings:
        """These settings with the key of the warehouse's key file when no key was given: what `from_env`
        gives once `ncii demo` has written the file."""
        if self.pseudonym_key:
            return self
        return replace(self, pseudonym_key=_read_key_file(self.key_file))

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

    @property
    def validation_dir(self) -> Path:
        """The validation reports: one page per run, the index, and the history they are written from."""
        return self.reports_dir / "validation"

    @property
    def validation_index(self) -> Path:
        return self.validation_dir / "index.html"

    @property
    def validation_history(self) -> Path:
        return self.validation_dir / "history.jsonl"

    @property
    def report_path(self) -> Path:
        return self.reports_dir / "report.html"

    @property
    def docs_dir(self) -> Path:
        """The dbt documentation of the marts (`docs/index.html`)."""
        return self.warehouse_dir / "docs"

    @property
    def cache_dir(self) -> Path:
        return self.warehouse_dir / "cache"

    @property
    def audit_verdicts(self) -> Path:
        """Fingerprints of the candidates that passed the disclosure audit (orchestration/disclosure/memo.py)."""
        return self.warehouse_dir / "audit_verdicts.json"

    @property
    def logs_dir(self) -> Path:
        """dbt's log of each `ncii run`, and alerts.log."""
        return self.warehouse_dir / "logs"

    @property
    def dagster_home(self) -> Path:
        """The warehouse's own Dagster instance (DAGSTER_HOME of `ncii dev`; orchestration/dagster_home.py)."""
        return self.warehouse_dir / "dagster"

    @property
    def run_lock_path(self) -> Path:
        """The file whose lock one run at a time holds (orchestration/locking.py)."""
        return self.warehouse_dir / ".run.lock"

    @property
    def key_file(self) -> Path:
        """The demo key `ncii demo` writes, read when NCII_PSEUDONYM_KEY is unset."""
        return self.warehouse_dir / KEY_FILE_NAME

    @property
    def key_fingerprint_file(self) -> Path:
        """The keyed fingerprint of the warehouse's key (orchestration/key_fingerprint.py)."""
        return self.warehouse_dir / ".pseudonym_key.fingerprint"

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

    def environment(self, only: Collection[str] | None = None) -> dict[str, str]:
        """The settings as the `NCII_*` variables `from_env` reads (`from_env(s.environment()) == s`): how they
        reach a subprocess that builds its own settings at its edge. `ncii dev` hands Dagster all of them;
        a dbt command gets `DBT_VARIABLES` only (`only`), never the key."""
        values = {
            "NCII_LANDING_DIR": str(self.landing_dir),
            "NCII_WAREHOUSE_DIR": str(self.warehouse_dir),
            "NCII_SUPPRESSION_K": str(self.suppression_k),
            "NCII_DRIFT_BASELINE_MONTHS": str(self.drift_baseline_months),
            "NCII_FRESHNESS_DAYS": str(self.freshness_days),
            "NCII_LANDING_QUIET_SECONDS": str(self.landing_quiet_seconds),
            "NCII_DSA_ENGINE": self.dsa_engine,
        }
        if self.pseudonym_key:
            values["NCII_PSEUDONYM_KEY"] = self.pseudonym_key.decode()
        if self.alert_webhook_url:
            values["NCII_ALERT_WEBHOOK_URL"] = self.alert_webhook_url
        if self.spark_master:
            values["NCII_SPARK_MASTER"] = self.spark_master
        if self.dsa_scratch_dir:
            values["NCII_DSA_SCRATCH_DIR"] = str(self.dsa_scratch_dir)
        return values if only is None else {name: values[name] for name in only if name in values}


def _read_key_file(path: Path) -> bytes | None:
    key = path.read_text().strip() if path.exists() else ""
    return key.encode() if key else None


def _whole_number(env: dict[str, str], setting: str, default: int) -> int:
    """A whole number within the setting's `BOUNDS`, checked before any work so a typo never fails a run half-way."""
    name, minimum, maximum = BOUNDS[setting]
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
    _, minimum, maximum = BOUNDS["landing_quiet_seconds"]
    if not minimum <= value <= maximum:
        raise SettingsError(f"{name} must be between {minimum} and {maximum} seconds, got {raw}")
    return value


def create_demo_key(warehouse_dir: Path) -> Path:
    """Write a random key readable by the owner only, unless one exists (pseudonyms must stay stable)."""
    warehouse_dir.mkdir(parents=True, exist_ok=True)
    key_file = Settings(warehouse_dir=warehouse_dir).key_file
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return key_file
