"""Multi Model Server's log configuration (`handler/process/mms-log4j2.xml`), run by MMS's own log4j:
one line per event, even for an exception with its stack trace or a message with line ends."""

from __future__ import annotations

import subprocess
from pathlib import Path

import mms

from handler.process.model_server import LOG_CONFIG

MMS_JAR = Path(mms.__file__).parent / "frontend" / "model-server.jar"
LOGGING_CLASS = """
import org.slf4j.LoggerFactory;

public class Events {
    public static void main(String[] arguments) {
        var logger = LoggerFactory.getLogger("com.amazonaws.ml.mms.wlm.WorkerThread");
        logger.error("Backend worker error", new RuntimeException("Failed to connect to worker.",
                new IllegalStateException("the worker died")));
        logger.warn("a message\\nwith two line ends\\n");
        logger.error("the last event");
    }
}
"""


def test_every_event_is_one_line(tmp_path):
    (tmp_path / "Events.java").write_text(LOGGING_CLASS)
    subprocess.run(
        ["javac", "-cp", str(MMS_JAR), "-d", str(tmp_path), str(tmp_path / "Events.java")],
        check=True,
    )
    logged = subprocess.run(
        [
            "java",
            "-cp",
            f"{MMS_JAR}:{tmp_path}",
            f"-Dlog4j.configurationFile={LOG_CONFIG}",
            "Events",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # the JVM's own notice about log4j, not an event
    lines = [line for line in logged.splitlines() if not line.startswith("WARNING: sun.reflect")]
    assert len(lines) == 3, logged
    assert "ERROR WorkerThread - Backend worker error java.lang.RuntimeException: " in lines[0]
    assert " | Caused by: java.lang.IllegalStateException: the worker died" in lines[0]
    assert lines[1].endswith("WARN  WorkerThread - a message | with two line ends")
    assert lines[2].endswith("ERROR WorkerThread - the last event")
