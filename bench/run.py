"""animation-bot benchmarks, one run, side by side on this machine. Prints tables.

    python bench/run.py [--seconds 10] [--quick]

1. `/animation qui` through the real app under uvicorn (one worker), with
   Mattermost-shaped form posts, at 1, 10 and 50 connections, against two floors
   measured in the same run (bench/floors.py). Load generator: wrk (Debian).
2. Lookup cost in process: shipped data and a synthetic registry of 10,000 teams.
3. Registry load time, and a reload every half second under load.
4. Requests stored per second (SQLite; PostgreSQL when ANIMATION_TEST_DATABASE_URL
   is set), and the time for the outbox to drain 1,000 messages to a fake
   Mattermost server.
5. Resident memory of the bot's worker after the run.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.lookup_bench import lookup_table, registry_load_seconds
from bench.requests_bench import drain_outbox, submissions_per_second
from tests.live import free_port
from tests.mattermost import command_form, encode

TOKEN = "benchtoken"
ROUNDS = 3  # each HTTP measure is the median of this many runs
QUERIES = [
    "qui aides territoires",
    "qui demarches simplifiees",
    "qui anct",
    "qui la bonne boite",
    "qui mon aide cyber",
    "qui tps",
    "qui aides-teritoires",
    "qui signaux faibles",
    "qui l'équipe Domifa ?",
    "qui incubateur des territoires",
    "qui plancton",
    "qui mes aides",
]


def form(text: str) -> str:
    return encode(command_form(text, token=TOKEN)).decode()


def wrk_script(directory: Path) -> Path:
    bodies = ",\n".join(f'  "{form(q)}"' for q in QUERIES)
    script = directory / "post.lua"
    script.write_text(
        f"bodies = {{\n{bodies}\n}}\n"
        "counter = 0\n"
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        f'wrk.headers["Authorization"] = "Token {TOKEN}"\n'
        "request = function()\n"
        "  counter = counter + 1\n"
        "  return wrk.format(nil, nil, nil, bodies[(counter % #bodies) + 1])\n"
        "end\n",
        encoding="utf-8",
    )
    return script


def start(
    command: list[str], env: dict[str, str], port: int, workdir: Path
) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        command, cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.post(
                f"http://127.0.0.1:{port}/mattermost/command",
                content=form("qui anct"),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                timeout=1,
            )
            return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{command} did not start")


def servers(workdir: Path) -> dict[str, tuple[subprocess.Popen[bytes], int]]:
    shutil.copy(ROOT / "data/referents.yaml", workdir / "referents.yaml")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANIMATION_")}
    env |= {
        "PYTHONPATH": str(ROOT),
        "ANIMATION_COMMAND_TOKENS": TOKEN,
        "ANIMATION_REGISTRY": str(workdir / "referents.yaml"),
        "ANIMATION_CATALOG": str(ROOT / "data/betagouv"),
        "ANIMATION_RELOAD_INTERVAL": "0.2",
        "ANIMATION_DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
    }
    running = {}
    for name, target in (
        ("bot", None),
        ("FastAPI Form() floor", "bench.floors:fastapi_form"),
        ("raw ASGI floor", "bench.floors:raw_asgi"),
    ):
        port = free_port()
        if target is None:
            command = [sys.executable, "-m", "bot", "serve", "--dev", "--port", str(port)]
        else:
            command = [
                sys.executable,
                "-m",
                "uvicorn",
                target,
                "--port",
                str(port),
                "--log-level",
                "warning",
                "--no-access-log",
            ]
        running[name] = (start(command, env, port, ROOT if target else workdir), port)
    return running


def parse_duration(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def _percentile(out: str, which: int) -> float:
    """A line of wrk's « Latency Distribution », in milliseconds."""
    found = re.search(rf"^\s+{which}%\s+([\d.]+(?:us|ms|s|m))\s*$", out, re.MULTILINE)
    return parse_duration(found.group(1)) if found else float("nan")


def wrk(port: int, connections: int, seconds: int, script: Path) -> dict[str, float]:
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}/mattermost/command",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50": _percentile(out, 50),
        "p99": _percentile(out, 99),
        "errors": float(errors.group(1)) if errors else 0.0,
        "socket_errors": 1.0 if sockets else 0.0,
    }


def http_table(
    running: dict[str, tuple[subprocess.Popen[bytes], int]], seconds: int, script: Path
) -> None:
    print("\n## 1. `/animation qui` over HTTP (uvicorn, one worker; wrk, one thread)\n")
    print(
        f"Median of {ROUNDS} interleaved runs of {seconds} s; 12 queries in rotation "
        "(exact, typos, unknown).\n"
    )
    print(
        "| server | connections | requests/s | p50 ms | p99 ms "
        "| × FastAPI floor | × raw ASGI | errors |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for connections in (1, 10, 50):
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in running}
        for _, port in running.values():
            wrk(port, connections, 2, script)  # warm-up
        for _ in range(ROUNDS):  # interleaved, so that a busy moment hits every server
            for name, (_, port) in running.items():
                runs[name].append(wrk(port, connections, seconds, script))
        results = {name: _median(found) for name, found in runs.items()}
        floor, raw = results["FastAPI Form() floor"], results["raw ASGI floor"]
        for name, r in results.items():
            print(
                f"| {name} | {connections} | {r['rps']:,.0f} | {r['p50']:.2f} | {r['p99']:.2f} | "
                f"{r['rps'] / floor['rps']:.2f} | {r['rps'] / raw['rps']:.2f} | "
                f"{int(r['errors'] + r['socket_errors'])} |"
            )


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    """The run with the median requests/s (its latencies come with it); errors added up."""
    middle = sorted(runs, key=lambda r: r["rps"])[len(runs) // 2]
    return middle | {
        "errors": sum(r["errors"] for r in runs),
        "socket_errors": sum(r["socket_errors"] for r in runs),
    }


def reload_under_load(port: int, workdir: Path, script: Path, seconds: int) -> None:
    registry = workdir / "referents.yaml"
    original = registry.read_text(encoding="utf-8")
    variant = original.replace("    mattermost: alex.exemple", "    mattermost: alex.bench")
    stop = threading.Event()

    def rewrite() -> None:
        flip = False
        while not stop.is_set():
            registry.write_text(variant if flip else original, encoding="utf-8")
            flip = not flip
            time.sleep(0.5)

    before = httpx.get(f"http://127.0.0.1:{port}/healthz").json()["registry"]["reloads"]
    writer = threading.Thread(target=rewrite)
    writer.start()
    result = wrk(port, 10, seconds, script)
    stop.set()
    writer.join()
    registry.write_text(original, encoding="utf-8")
    after = httpx.get(f"http://127.0.0.1:{port}/healthz").json()["registry"]["reloads"]
    print(
        f"- reload under load: {after - before} reloads during {seconds} s at 10 connections, "
        f"{result['rps']:,.0f} requests/s, {int(result['errors'])} non-200 answers, "
        f"socket errors: {'yes' if result['socket_errors'] else 'none'}"
    )


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    loops = [name for name in ("uvloop", "httptools") if _importable(name)]
    wrk_version = (
        subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("[")[0].strip()
    )
    return (
        f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, "
        f"uvicorn with {', '.join(loops) or 'asyncio/h11'}, {wrk_version}"
    )


def _importable(name: str) -> bool:
    try:
        __import__(name)
    except ImportError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description="animation-bot benchmarks")
    parser.add_argument("--seconds", type=int, default=5, help="duration of each HTTP run")
    parser.add_argument("--quick", action="store_true", help="short runs, to check the script")
    args = parser.parse_args()
    seconds = 2 if args.quick else args.seconds
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    print(f"Machine: {machine()}")
    with tempfile.TemporaryDirectory() as temp:
        workdir = Path(temp)
        script = wrk_script(workdir)
        running = servers(workdir)
        try:
            http_table(running, seconds, script)
            print("\n## 2. Lookup cost in process (`qui`), per query\n")
            lookup_table(random.Random(7), queries=300 if args.quick else 3000)
            print("\n## 3. Registry\n")
            print(
                f"- load of the shipped registry and snapshot (662 teams): "
                f"{registry_load_seconds() * 1000:.0f} ms (median of 5)"
            )
            bot_process, bot_port = running["bot"]
            reload_under_load(bot_port, workdir, script, seconds)
            print("\n## 4. Requests\n")
            submissions_per_second(workdir, count=100 if args.quick else 1000)
            drain_outbox(workdir, messages=150 if args.quick else 1000)
            print("\n## 5. Memory\n")
            rss = rss_mib(bot_process.pid)
            print(f"- resident size of the bot's worker after the run: {rss:.0f} MiB")
        finally:
            for process, _ in running.values():
                process.terminate()
                process.wait(timeout=10)


if __name__ == "__main__":
    main()
