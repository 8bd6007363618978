"""`/animation qui` over HTTP: the bot under uvicorn against two floors (and, with
`--before DIR`, the bot of another checkout), loaded by wrk, interleaved in one run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from tests.live import free_port
from tests.mattermost import command_form, encode

ROOT = Path(__file__).resolve().parents[1]

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


BEFORE = "bot (before)"


def _env(code: Path, workdir: Path) -> dict[str, str]:
    """A bot's environment: its code on the path, its own registry copy and database."""
    workdir.mkdir(exist_ok=True)
    shutil.copy(ROOT / "data/referents.yaml", workdir / "referents.yaml")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANIMATION_")}
    return env | {
        "PYTHONPATH": str(code),
        "ANIMATION_COMMAND_TOKENS": TOKEN,
        "ANIMATION_REGISTRY": str(workdir / "referents.yaml"),
        "ANIMATION_CATALOG": str(ROOT / "data/betagouv"),
        "ANIMATION_RELOAD_INTERVAL": "0.2",
        "ANIMATION_DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
    }


def servers(
    workdir: Path, *, before: Path | None = None
) -> dict[str, tuple[subprocess.Popen[bytes], int]]:
    """The bot, the two floors and, given another checkout's folder, that checkout's bot."""
    env = _env(ROOT, workdir)
    bots = {"bot": (ROOT, workdir)}
    if before is not None:
        bots[BEFORE] = (before, workdir / "before")
    running: dict[str, tuple[subprocess.Popen[bytes], int]] = {}
    try:
        for name, target in (
            *((name, None) for name in bots),
            ("FastAPI Form() floor", "bench.floors:fastapi_form"),
            ("raw ASGI floor", "bench.floors:raw_asgi"),
        ):
            port = free_port()
            if target is None:
                code, where = bots[name]
                command = [sys.executable, "-m", "bot", "serve", "--dev", "--port", str(port)]
                running[name] = (start(command, _env(code, where), port, where), port)
                continue
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
            running[name] = (start(command, env, port, ROOT), port)
    except BaseException:  # one did not start: stop the others, leave nothing behind
        for process, _ in running.values():
            process.kill()
        raise
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
    compared = BEFORE in running
    print(
        "| server | connections | requests/s | p50 ms | p99 ms "
        "| × FastAPI floor | × raw ASGI |" + (" × before |" if compared else "") + " errors |"
    )
    print("| --- " * (9 if compared else 8) + "|")
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
            versus = f" {r['rps'] / results[BEFORE]['rps']:.2f} |" if compared else ""
            print(
                f"| {name} | {connections} | {r['rps']:,.0f} | {r['p50']:.2f} | {r['p99']:.2f} | "
                f"{r['rps'] / floor['rps']:.2f} | {r['rps'] / raw['rps']:.2f} |{versus} "
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
