"""animation-bot benchmarks, one run, side by side on this machine. Prints tables.

    python bench/run.py [--seconds 10] [--quick] [--before DIR]

1. `/animation qui` through the real app under uvicorn (one worker), with
   Mattermost-shaped form posts, at 1, 10 and 50 connections, against two floors
   measured in the same run (bench/floors.py), and, with `--before DIR`, the bot of
   another checkout (the same code before a change). Load generator: wrk (Debian).
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
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.http_bench import http_table, reload_under_load, servers, wrk_script
from bench.lookup_bench import lookup_table, registry_load_seconds
from bench.requests_bench import drain_outbox, submissions_per_second


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
    parser.add_argument(
        "--before",
        type=Path,
        metavar="DIR",
        help="another checkout (e.g. `git archive <commit> | tar -x -C DIR`), measured alongside",
    )
    args = parser.parse_args()
    seconds = 2 if args.quick else args.seconds
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    print(f"Machine: {machine()}")
    with tempfile.TemporaryDirectory() as temp:
        workdir = Path(temp)
        script = wrk_script(workdir)
        running = servers(workdir, before=args.before)
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
