"""One run at a time per warehouse folder, whoever starts it (`ncii run`, the sensor, the schedule).

DuckDB takes one writing process per file, and steps open and close the file in turn, so two
runs could otherwise interleave their steps. The lock is an `flock` on a file in the warehouse
folder; it is re-entrant within a process, because `ncii run` takes it before it starts the job
and the job's warehouse resource takes it again (that is how daemon-started runs get it).
"""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from orchestration.settings import Settings

_held: dict[str, int] = {}  # lock file -> depth, for this process
_guard = threading.Lock()


class RunInProgress(RuntimeError):
    """Another run holds the warehouse; DuckDB takes one writer per file."""


@contextmanager
def run_lock(settings: Settings) -> Iterator[None]:
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    path = str(settings.run_lock_path)
    with _guard:
        if _held.get(path):
            _held[path] += 1
            handle = None
        else:
            handle = open(path, "w")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                raise RunInProgress(
                    f"another run is already working on {settings.warehouse_dir}; wait for it to finish"
                ) from None
            _held[path] = 1
    try:
        yield
    finally:
        with _guard:
            _held[path] -= 1
            if handle is not None:
                del _held[path]
                fcntl.flock(handle, fcntl.LOCK_UN)
                handle.close()


def run_lock_is_free(settings: Settings) -> bool:
    """Whether no process holds the warehouse's run lock: a run recorded as started whose lock is free
    has lost its process (kill -9, a crash), because the kernel drops an flock with its process.

    The probe takes the lock for an instant; call it only when no run should be starting.
    """
    path = settings.run_lock_path
    if not path.exists():
        return True
    with _guard:
        if _held.get(str(path)):
            return False
    with open(path, "a") as handle:  # "a": never truncate another process's lock file
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
    return True
