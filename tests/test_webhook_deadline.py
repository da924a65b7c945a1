"""A webhook that trickles its answer byte by byte cannot hold a run, or the warehouse's run lock, past the deadline."""

from __future__ import annotations

import fcntl
import socket
import threading
import time
from pathlib import Path

import duckdb
import pytest

from orchestration.locking import run_lock
from orchestration.monitoring import alerts
from orchestration.monitoring.failures import alert_failed_run
from tests.conftest import make_settings


class TricklingWebhook:
    """Reads the request, then answers one byte every 0.2 s, never finishing: each read succeeds in time."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.connections = 0
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}/hooks/ncii"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._trickle, args=(conn,), daemon=True).start()

    def _trickle(self, conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            answer = b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100_000
            for byte in answer:
                if self.stop.is_set():
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return
                time.sleep(0.2)

    def close(self) -> None:
        self.stop.set()
        self.server.close()


@pytest.fixture
def trickling_webhook():
    hook = TricklingWebhook()
    yield hook
    hook.close()


def _lock_is_free(lock_file: Path) -> bool:
    """Try the run lock through a separate open file, as another process would."""
    with open(lock_file, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True


def test_trickling_webhook_is_abandoned_at_the_deadline_and_the_lock_released(
    tmp_path: Path, trickling_webhook: TricklingWebhook, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(alerts, "DELIVERY_DEADLINE_SECONDS", 2)
    settings = make_settings(tmp_path / "landing", tmp_path / "warehouse", NCII_ALERT_WEBHOOK_URL=trickling_webhook.url)
    finished = threading.Event()

    def failed_run() -> None:  # what `ncii run` does after a failed run: alert while holding the lock
        with run_lock(settings):
            alert_failed_run(settings, "run-trickle", "warehouse_dbt_models", "step failed: boom")
        finished.set()

    started = time.monotonic()
    threading.Thread(target=failed_run, daemon=True).start()
    assert finished.wait(8), "the run was still waiting for the trickling webhook"
    assert time.monotonic() - started < 6
    assert _lock_is_free(settings.warehouse_dir / ".run.lock")
    assert trickling_webhook.connections >= 1
    with duckdb.connect(str(settings.warehouse_db), read_only=True) as conn:
        state, error = conn.execute("SELECT delivery_state, last_delivery_error FROM monitoring.alerts").fetchone()
    assert state == "pending"  # the next run sends it
    assert "deadline" in error
