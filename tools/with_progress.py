"""Run a set-up command so a person sees it working: `make env` calls it around `uv sync`.

uv prints nothing while it installs and compiles (about 30 s on a fresh clone), then a line per
package. This prints what is going on, a "still working" line after a few seconds of silence, and
the command's summary lines without the package list.

    python tools/with_progress.py "what it does" command [args...]
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time

QUIET_FOR = 4.0  # seconds of silence before a "still working" line
PACKAGE_LINE = (" + ", " - ", " ~ ")  # uv's list of what it installed, removed, changed


def main(argv: list[str]) -> int:
    what, command = argv[0], argv[1:]
    started = last = time.monotonic()
    print(f"{what} ...", flush=True)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    done = threading.Event()

    def tick() -> None:
        while not done.wait(0.5):
            if time.monotonic() - last >= QUIET_FOR:
                say(f"  ... still working ({time.monotonic() - started:.0f} s)")

    def say(line: str) -> None:
        nonlocal last
        print(line, flush=True)
        last = time.monotonic()

    ticker = threading.Thread(target=tick, daemon=True)
    ticker.start()
    packages = 0
    for line in process.stdout:
        if line.startswith(PACKAGE_LINE):
            packages += 1
        else:
            say("  " + line.rstrip())
    code = process.wait()
    done.set()
    ticker.join()
    listed = f", {packages} packages changed" if packages else ""
    seconds = time.monotonic() - started
    print(f"  done in {seconds:.0f} s{listed}" if code == 0 else f"  FAILED (exit {code})", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
