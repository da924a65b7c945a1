"""Progress lines for people watching `ncii run`: no silent stretch longer than a few seconds.

Light on purpose (no Dagster import): `ncii run` starts it before loading Dagster and the dbt project.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

_active: Heartbeat | None = None


class Heartbeat:
    """Prints progress lines on stderr, and a "still working" line whenever nothing was printed for
    `every` seconds."""

    def __init__(self, every: float = 5.0) -> None:
        self.every = every
        self.activity = "starting"
        self._since = self._last = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="ncii-progress", daemon=True)

    def say(self, line: str) -> None:
        print(line, file=sys.stderr, flush=True)
        self._last = time.monotonic()

    def doing(self, activity: str) -> None:
        self.activity, self._since = activity, time.monotonic()

    def _beat(self) -> None:
        while not self._stop.wait(0.25):
            now = time.monotonic()
            if now - self._last >= self.every:
                self.say(f"  ...    {self.activity} ({now - self._since:.0f} s)")


def active() -> Heartbeat | None:
    """The heartbeat of the command being watched, if any."""
    return _active


@contextmanager
def watched(activity: str) -> Iterator[Heartbeat]:
    """Start a heartbeat (or join the one already running) for the length of the block."""
    global _active
    if _active is not None:
        _active.doing(activity)
        yield _active
        return
    beat = _active = Heartbeat()
    beat.doing(activity)
    beat._thread.start()
    try:
        yield beat
    finally:
        beat._stop.set()
        beat._thread.join()
        _active = None
