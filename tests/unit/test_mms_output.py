"""What of Multi Model Server's own output is passed on."""

from __future__ import annotations

import io

from handler.process.mms_output import forward_output

MMS_OUTPUT = b"""Warning: MMS is using non-default JVM parameters: -Xms64m -Xmx512m
WARNING: sun.reflect.Reflection.getCallerClass is not supported. This will impact performance.
2026-12-02T15:17:27,184 WARN  WorkerLifeCycle - attachIOStreams() threadName=W-9000-model
Model server started.
2026-12-02T15:17:27,124 INFO  BatchAggregator - micro-batching model model: batch_size 32
2026-12-02T15:17:28,000 WARN  WorkerLifeCycle - ERROR handler.handler_service: model m cannot load
Model server started. (not the frontend's line)
"""


def test_noise_is_dropped_and_everything_else_passed_on_in_order():
    out = io.StringIO()
    forward_output(io.BytesIO(MMS_OUTPUT), out).join(timeout=10)
    assert out.getvalue().splitlines() == [
        "2026-12-02T15:17:27,124 INFO  BatchAggregator - micro-batching model model: batch_size 32",
        "2026-12-02T15:17:28,000 WARN  WorkerLifeCycle - ERROR handler.handler_service: model m "
        "cannot load",
        "Model server started. (not the frontend's line)",
    ]
