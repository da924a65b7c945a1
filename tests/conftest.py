"""Shared fixtures: one generated landing folder and one pipeline run for the end-to-end tests."""

from __future__ import annotations

import dataclasses
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from orchestration.settings import Settings

# Big enough for the acceptance check against pandas (at least 20,000 cases), small enough for CI.
E2E_MONTHS = 25
E2E_CASES_PER_MONTH = 820
E2E_END_MONTH = date(2026, 10, 1)
TEST_KEY = "test-pseudonym-key-not-a-secret-at-least-32-chars"


FIXTURE_LANDING = Path(__file__).parent / "fixtures" / "landing"


def pytest_configure(config: pytest.Config) -> None:
    """Prepare the dbt project once, before collection: test modules import the Dagster definitions, which
    read the manifest and never parse (a fresh clone has none; a changed project has a stale one).
    Milliseconds when the manifest is current, as xdist's workers find it: the controller prepared it."""
    from orchestration.transformation.manifest import ensure_manifest

    ensure_manifest()


def fixture_landing(target: Path, names: list[str]) -> Path:
    """A landing folder holding some of the hand-written fixture exports."""
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(FIXTURE_LANDING / name, target / name)
    return target


def make_settings(landing: Path, warehouse: Path, k: int = 5, **extra: str) -> Settings:
    env = {
        "NCII_LANDING_DIR": str(landing),
        "NCII_WAREHOUSE_DIR": str(warehouse),
        "NCII_PSEUDONYM_KEY": TEST_KEY,
        "NCII_SUPPRESSION_K": str(k),
        # files are copied in just before each run: no wait for them to be quiet (tests of that pass their own)
        "NCII_LANDING_QUIET_SECONDS": "0",
        **extra,
    }
    return Settings.from_env(env)


@dataclass(frozen=True)
class PipelineRun:
    settings: Settings
    outcome: object


@pytest.fixture(scope="session")
def generated_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from orchestration.sample_data.dsa import generate_demo_dsa
    from orchestration.sample_data.helpline import generate_helpline_landing
    from orchestration.sample_data.survey import generate_survey_landing

    landing = tmp_path_factory.mktemp("landing")
    generate_helpline_landing(
        landing, seed=11, end_month=E2E_END_MONTH, months=E2E_MONTHS, cases_per_month=E2E_CASES_PER_MONTH
    )
    generate_survey_landing(landing)
    generate_demo_dsa(landing, statements=300)  # dsa: a few small daily dumps, so every mart has rows
    return landing


@pytest.fixture(scope="session")
def pipeline_run(generated_landing: Path, tmp_path_factory: pytest.TempPathFactory) -> PipelineRun:
    """The whole pipeline once, through Dagster, on the generated landing folder."""
    from orchestration.runner import run_main_job

    settings = make_settings(generated_landing, tmp_path_factory.mktemp("warehouse"))
    outcome = run_main_job(settings)
    assert outcome.success, outcome.reason
    return PipelineRun(settings, outcome)


def clone_warehouse(settings: Settings, warehouse: Path) -> Settings:
    """The same settings on a copy of their warehouse, for a test that runs on it again and changes it (a shared
    run stays as the other tests read it): the test is spared a first run of its own."""
    shutil.copytree(settings.warehouse_dir, warehouse)
    return dataclasses.replace(settings, warehouse_dir=warehouse)


class Webhook:
    """A real HTTP server on 127.0.0.1 standing in for Slack: records every POST it answers.

    `failures` is how many requests it answers with HTTP 500 before it starts taking messages.
    """

    def __init__(self, failures: int = 0) -> None:
        import http.server
        import json
        import threading

        self.failures = failures
        self.statuses: list[int] = []
        self.messages: list[dict] = []  # the payloads answered with 200
        hook = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                status = 500 if hook.failures > 0 else 200
                hook.failures -= status == 500
                hook.statuses.append(status)
                if status == 200:
                    hook.messages.append(body)
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok" if status == 200 else b"error")

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/ncii"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def titles(self) -> list[str]:
        return [m["text"].splitlines()[0] for m in self.messages]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook():
    """Start webhooks on demand (`webhook(failures=1)`); all are shut down after the test."""
    started: list[Webhook] = []

    def start(failures: int = 0) -> Webhook:
        started.append(Webhook(failures))
        return started[-1]

    yield start
    for hook in started:
        hook.close()


def dead_webhook_url() -> str:
    """A URL on 127.0.0.1 where nothing listens: every delivery attempt is refused."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/hooks/ncii"
