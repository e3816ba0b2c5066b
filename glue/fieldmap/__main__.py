"""The `fieldmap` command (and `python -m fieldmap`). The CLI's modules
(psycopg and its compiled part among them, a fraction of a second) load
inside a Ctrl-C guard: interrupted while they loaded, the command printed a
Python traceback; now it stops as it does when interrupted later, with one
line (a JSON error under --json) and exit 130, on SIGTERM too. (Python
itself starts first: a signal in its first few milliseconds, before this
module runs, is beyond reach.)"""

from __future__ import annotations

import json
import signal
import sys

EXIT_INTERRUPTED = 130  # as fieldmap.errors.EXIT_INTERRUPTED, which cannot be imported yet


def _terminated(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM while loading stops as Ctrl-C does (the CLI sets its own handler after)


def main() -> int:
    signal.signal(signal.SIGTERM, _terminated)
    try:
        from .cli import main as run
    except KeyboardInterrupt:
        message = "interrupted while starting; nothing was done"
        if "--json" in sys.argv[1:]:
            print(json.dumps({"error": {"code": "interrupted", "message": message, "where": None, "sqlstate": None,
                                        "exit": EXIT_INTERRUPTED, "problems": []}}), file=sys.stderr)
        else:
            print(f"fieldmap: error: {message}", file=sys.stderr)
        return EXIT_INTERRUPTED
    return run()


if __name__ == "__main__":
    sys.exit(main())
