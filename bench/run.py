"""`make bench`: this server side by side with the in-process limit and the seed's design.

In one run, on the default model and the same payloads: (1) the in-process limit, our decode,
predict and encode in one Python process, with the pipeline scoring and with the compiled scorer
(docs/compiled-scoring.md); (2) this server (`entrypoint.py serve`, workers = CPU count, the
compiled scorer serving); (3) the reference, flask behind gunicorn sync workers (CPU count), as
the seed served.
Each server is started, timed to its first healthy `/ping`, checked for correct answers, loaded
by wrk on 127.0.0.1 (each load stops by itself after `--seconds`), measured for resident memory
and stopped by PID. Prints a Markdown table and writes it to `bench/results/`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import warnings
from dataclasses import dataclass
from pathlib import Path

import psutil

from handler.model.autoai_model import AutoAIModel
from handler.process.cpus import usable_cpus
from handler.wire.decoding import decode
from handler.wire.encoding import encode
from handler.wire.media_types import CSV
from tests.serving import free_port
from training.sample_data import TARGET, demand_response_customers

ROOT = Path(__file__).resolve().parent.parent

LOADS = (("1-row CSV", 1, (1, 16, 64)), ("1000-row CSV", 1000, (1, 4)))
CALL_ROWS = (1, 16, 1000)  # rows per call of the in-process comparison of the two scorers
IN_PROCESS = ("in-process, pipeline", "in-process, compiled")
WRK_SCRIPT_NAME = "post.lua"
WRK_SCRIPT = """
local file = io.open(os.getenv("BENCH_BODY"), "rb")
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "text/csv"
wrk.headers["Accept"] = "text/csv"
"""
START_DEADLINE_SECONDS = 120


@dataclass
class Figures:
    requests_per_second: float
    rows_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    url: str
    cold_start_seconds: float  # launch to the first healthy /ping
    first_answer_seconds: float  # launch to the first scored request, sent at that /ping


def main(argv: list[str]) -> int:
    options = _arguments(argv)
    workers = usable_cpus()
    with tempfile.TemporaryDirectory(prefix="autoai-bench-") as scratch:
        work = Path(scratch)
        model = AutoAIModel.load(ROOT / "model", scorer="pipeline")
        compiled = AutoAIModel.load(ROOT / "model", scorer="compiled")
        payloads = _payloads(model, work)  # also written to work/<rows>.csv, for wrk
        (work / WRK_SCRIPT_NAME).write_text(WRK_SCRIPT)
        expected = {rows: _in_process_body(model, body) for rows, body in payloads.items()}
        for rows, body in payloads.items():
            if _in_process_body(compiled, body) != expected[rows]:
                raise SystemExit(f"the compiled scorer answered {rows} rows differently")
        calls = _scorer_calls(model, compiled, payloads[1000], options.seconds)
        results = {
            IN_PROCESS[0]: _in_process(model, payloads, options.seconds),
            IN_PROCESS[1]: _in_process(compiled, payloads, options.seconds),
        }
        memory = {}
        cold = {}
        for name, start in (("this server", _start_ours), ("flask + gunicorn", _start_reference)):
            server = start(workers, work)
            try:
                cold[name] = (server.cold_start_seconds, server.first_answer_seconds)
                _check(server, payloads, expected)
                results[name] = {
                    (rows, concurrency): _wrk(server.url, work, rows, concurrency, options)
                    for _, rows, concurrencies in LOADS
                    for concurrency in concurrencies
                }
                _check(server, payloads, expected)
                memory[name] = _memory_mb(server.process.pid)
            finally:
                _stop(server.process)
    table = "\n".join(
        [
            _table(results, memory, cold, workers, options.seconds),
            _calls_table(calls),
            _targets(results, memory, calls),
        ]
    )
    print(table)
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(table)
    print(f"written to {options.out}", file=sys.stderr)
    return 0


def _arguments(argv: list[str]) -> argparse.Namespace:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=15, help="per load, at most 30")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / f"{stamp}.md")
    options = parser.parse_args(argv)
    options.seconds = max(1, min(options.seconds, 30))
    return options


def _payloads(model: AutoAIModel, work: Path) -> dict[int, bytes]:
    """The 1-row payload of local-test and 1000 sample customers, CSV without header."""
    one = (ROOT / "local-test" / "payload.csv").read_text().splitlines()[0] + "\n"
    customers = demand_response_customers(1000, seed=97).drop(columns=[TARGET])
    thousand = customers[list(model.schema.names)].to_csv(header=False, index=False)
    payloads = {1: one.encode(), 1000: thousand.encode()}
    for rows, body in payloads.items():
        (work / f"{rows}.csv").write_bytes(body)
    return payloads


def _in_process_body(model: AutoAIModel, body: bytes) -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        predictions = model.predict(decode(body, CSV, model.schema).frame)
    return encode(predictions, CSV, model.output_fields(None))


def _in_process(model: AutoAIModel, payloads: dict[int, bytes], seconds: int) -> dict:
    """Decode, predict and encode in this process, one call after another."""
    figures = {}
    for _, rows, concurrencies in LOADS:
        body = payloads[rows]
        _in_process_body(model, body)
        times = []
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            _in_process_body(model, body)
            times.append(time.perf_counter() - started)
        times.sort()
        per_second = len(times) / sum(times)
        figure = Figures(
            per_second,
            per_second * rows,
            1000 * times[len(times) // 2],
            1000 * times[min(len(times) - 1, int(len(times) * 0.99))],
            0,
        )
        for concurrency in concurrencies:
            figures[(rows, concurrency)] = figure
    return figures


def _scorer_calls(
    pipeline: AutoAIModel, compiled: AutoAIModel, thousand: bytes, seconds: int
) -> dict[int, tuple[float, float]]:
    """Median ms of one `predict` call on 1, 16 and 1000 decoded rows, pipeline and compiled:
    the scorers alone, without decoding and encoding."""
    frame = decode(thousand, CSV, pipeline.schema).frame
    medians = {}
    for rows in CALL_ROWS:
        part = frame.iloc[:rows]
        medians[rows] = tuple(
            _median_ms(lambda m=model, p=part: m.predict(p), seconds / 3)
            for model in (pipeline, compiled)
        )
    return medians


def _median_ms(call, seconds: float) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        call()
        times = []
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline or len(times) < 3:
            started = time.perf_counter()
            call()
            times.append(time.perf_counter() - started)
    return 1000 * sorted(times)[len(times) // 2]


def _start_ours(workers: int, work: Path) -> Server:
    port = free_port()
    environment = dict(
        os.environ,
        SAGEMAKER_BASE_DIR=str(ROOT),
        SAGEMAKER_BIND_TO_PORT=str(port),
        SAGEMAKER_MODEL_SERVER_WORKERS=str(workers),
        SAGEMAKER_CONTAINER_LOG_LEVEL="WARNING",
    )
    command = [sys.executable, str(ROOT / "entrypoint.py"), "serve"]
    return _launch("this server", command, environment, port, work)


def _start_reference(workers: int, work: Path) -> Server:
    port = free_port()
    environment = dict(os.environ, MODEL_PATH=str(ROOT / "model" / "model.pickle"))
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])
    )
    command = [
        sys.executable, "-m", "gunicorn", "--workers", str(workers), "--worker-class", "sync",
        "--timeout", "60", "--log-level", "warning", "--bind", f"127.0.0.1:{port}",
        "bench.reference.app:app",
    ]  # fmt: skip
    return _launch("flask + gunicorn", command, environment, port, work)


def _launch(name: str, command: list[str], environment: dict, port: int, work: Path) -> Server:
    url = f"http://127.0.0.1:{port}"
    log_path = work / f"{name.replace(' ', '-')}.log"
    started = time.monotonic()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    while time.monotonic() - started < START_DEADLINE_SECONDS:
        if process.poll() is not None:  # the log goes with the scratch dir: show its end
            tail = log_path.read_text(errors="replace")[-2000:]
            raise SystemExit(f"{name} exited with {process.returncode}:\n{tail}")
        if _healthy(url):
            healthy = time.monotonic() - started
            _first_answer(url, (work / "1.csv").read_bytes())
            return Server(name, process, url, healthy, time.monotonic() - started)
        time.sleep(0.01)
    _stop(process)
    raise SystemExit(f"{name} not healthy within {START_DEADLINE_SECONDS} s")


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/ping", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _first_answer(url: str, body: bytes) -> None:
    """One row scored: a server whose /ping says healthy before it can score is caught here."""
    request = urllib.request.Request(
        f"{url}/invocations", data=body, headers={"Content-Type": "text/csv"}
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        response.read()


def _check(server: Server, payloads: dict[int, bytes], expected: dict[int, bytes]) -> None:
    """Both servers must answer each payload exactly as the pipeline does in process."""
    for rows, body in payloads.items():
        request = urllib.request.Request(
            f"{server.url}/invocations",
            data=body,
            headers={"Content-Type": "text/csv", "Accept": "text/csv"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = response.read()
        if _parsed(answer) != _parsed(expected[rows]):
            raise SystemExit(f"{server.name} answered {rows} rows differently from the pipeline")


def _parsed(body: bytes) -> list[tuple[str, list[float]]]:
    rows = [line.split(",") for line in body.decode().splitlines()]
    return [(row[0], [float(p) for p in row[1:]]) for row in rows]


def _wrk(url: str, work: Path, rows: int, concurrency: int, options) -> Figures:
    """wrk posting work/<rows>.csv through work's Lua script."""
    command = [
        "wrk", "--threads", "1", "--connections", str(concurrency),
        "--duration", f"{options.seconds}s", "--timeout", "10s", "--latency",
        "--script", str(work / WRK_SCRIPT_NAME), f"{url}/invocations",
    ]  # fmt: skip
    environment = dict(os.environ, BENCH_BODY=str(work / f"{rows}.csv"))
    output = subprocess.run(
        command, env=environment, capture_output=True, text=True, check=True,
        timeout=options.seconds + 30,
    ).stdout  # fmt: skip
    per_second = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors += int(non_2xx.group(1)) if non_2xx else 0
    return Figures(
        per_second, per_second * rows, _latency(output, "50%"), _latency(output, "99%"), errors
    )


def _latency(output: str, percentile: str) -> float:
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)", output).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _memory_mb(pid: int) -> tuple[float, float]:
    """Resident and proportional set sizes of the server and all its processes, in MB."""
    processes = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    rss = pss = 0
    for process in processes:
        with contextlib.suppress(psutil.Error):
            info = process.memory_full_info()
            rss += info.rss
            pss += info.pss
    return rss / 2**20, pss / 2**20


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM the server's process group, SIGKILL what is left after 15 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _table(results: dict, memory: dict, cold: dict, workers: int, seconds: int) -> str:
    names = list(results)
    servers = [name for name in names if name not in IN_PROCESS]
    not_applicable = " | ".join("n/a" for name in names if name in IN_PROCESS)
    lines = [
        f"Default model, {workers} workers per server, {os.cpu_count()} CPUs, wrk on 127.0.0.1, "
        f"{seconds} s per load ({time.strftime('%Y-%m-%d')}).",
        "",
        "| Load | Concurrency | " + " | ".join(names) + " |",
        "|---|---|" + "---|" * len(names),
    ]
    for label, rows, concurrencies in LOADS:
        for concurrency in concurrencies:
            cells = []
            for name in names:
                f = results[name][(rows, concurrency)]
                cells.append(
                    f"{f.requests_per_second:.0f} req/s, {f.rows_per_second:.0f} rows/s, "
                    f"p50 {f.p50_ms:.1f} ms, p99 {f.p99_ms:.1f} ms, {f.errors} errors"
                )
            lines.append(f"| {label} | {concurrency} | " + " | ".join(cells) + " |")
    lines.append(
        f"| cold start: launch to healthy `/ping`, to first scored request | | {not_applicable} | "
        + " | ".join(f"{cold[name][0]:.2f} s, {cold[name][1]:.2f} s" for name in servers)
        + " |"
    )
    lines.append(
        f"| memory after the loads (RSS; PSS) | | {not_applicable} | "
        + " | ".join(f"{memory[n][0]:.0f} MB; {memory[n][1]:.0f} MB" for n in servers)
        + " |"
    )
    return "\n".join(lines) + "\n"


def _calls_table(calls: dict[int, tuple[float, float]]) -> str:
    lines = [
        "In process, one `predict` call on decoded rows (median):",
        "",
        "| Rows | pipeline | compiled | compiled is faster by |",
        "|---|---|---|---|",
    ]
    for rows, (pipeline, compiled) in calls.items():
        lines.append(
            f"| {rows} | {pipeline:.2f} ms | {compiled:.2f} ms | {pipeline / compiled:.1f}x |"
        )
    return "\n".join(lines) + "\n"


def _targets(results: dict, memory: dict, calls: dict[int, tuple[float, float]]) -> str:
    """The issue's targets, as ratios from this run: met or missed."""
    ours, reference = results["this server"], results["flask + gunicorn"]
    one, sixteen = ours[(1, 16)], reference[(1, 16)]
    alone, alone_reference = ours[(1, 1)], reference[(1, 1)]
    large, large_reference = ours[(1000, 4)], reference[(1000, 4)]
    checks = [
        ("in process, 1 row: compiled at least 30x faster", calls[1][0] / calls[1][1], 30),
        ("in process, 1000 rows: compiled at least 10x faster",
         calls[1000][0] / calls[1000][1], 10),
        ("server, 1 row at concurrency 16: at least 25x the reference's requests/s",
         one.requests_per_second / sixteen.requests_per_second, 25),
        ("server, 1000 rows at concurrency 4: at least 5x the reference's rows/s",
         large.rows_per_second / large_reference.rows_per_second, 5),
        ("server, 1 row at concurrency 1: the reference's p50 at least 10x ours",
         alone_reference.p50_ms / alone.p50_ms, 10),
    ]  # fmt: skip
    lines = ["Targets (ratios from this run):", ""]
    for text, ratio, target in checks:
        lines.append(f"- {text}: {ratio:.1f}x, {'met' if ratio >= target else 'missed'}")
    lines.append(
        f"- server, 1 row at concurrency 16: p99 {one.p99_ms:.1f} ms against the reference's "
        f"{sixteen.p99_ms:.1f} ms, {'met' if one.p99_ms < sixteen.p99_ms else 'missed'}"
    )
    lines.append(
        f"- memory: this server's RSS {memory['this server'][0]:.0f} MB (before compiled "
        "scoring: 606 MB in the README's run)"
    )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
