"""What of Multi Model Server's own output reaches the user: everything but lines that say nothing
to them on a healthy start.

Most of MMS's chatter is turned down in its log configuration (mms-log4j2.xml); these lines are
printed around it, by its Python launcher and the JVM, or logged at a level that cannot be turned
down without losing what matters in the same logger.
"""

from __future__ import annotations

import re
import sys
import threading
from typing import IO

NOISE = re.compile(
    "|".join(
        (
            # the launcher, on every start, because serve sets the JVM's heap and collector
            r"^Warning: MMS is using non-default JVM parameters",
            # the JVM on Java 9 and later, for MMS's log4j version: harmless there
            r"^WARNING: sun\.reflect\.Reflection\.getCallerClass is not supported",
            # printed by MMS's frontend: serve says `ready in N s` when it is
            r"^Model server started\.$",
            # MMS logs this WARN for every worker it starts (WorkerLifeCycle), for nothing wrong
            r"WorkerLifeCycle - attachIOStreams\(\)",
        )
    )
)


def forward_output(stream: IO[bytes], out: IO[str] = sys.stdout) -> threading.Thread:
    """Copy MMS's output to `out` a line at a time, less the NOISE, in a daemon thread that ends
    with the stream."""

    def copy() -> None:
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", "replace")
            if not NOISE.search(line):
                out.write(line)
                out.flush()

    thread = threading.Thread(target=copy, name="mms-output", daemon=True)
    thread.start()
    return thread
