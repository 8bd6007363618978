"""Prometheus metrics (`GET /metrics`): what happens, counted, and nothing about anyone.

Labels take only known values (the caller names subcommands with
`commands.canonical`, which turns anything else into `autre`), and a
confidential request is counted under the single category `confidentielle`,
never its type.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

CONFIDENTIAL = "confidentielle"


class _OutboxCollector(Collector):
    def __init__(self, counts: Callable[[], dict[str, int]]) -> None:
        self.counts = counts

    def collect(self) -> Iterator[GaugeMetricFamily]:
        gauge = GaugeMetricFamily(
            "animation_outbox_messages",
            "Outbox messages by state (pending is the depth).",
            labels=["state"],
        )
        try:
            counts = self.counts()
        except Exception:  # the database is down: no figure rather than a failed scrape
            return
        for state, count in counts.items():
            gauge.add_metric([state], count)
        yield gauge


class _StateCollector(Collector):
    """A loop's state (`web.Beside.state`) as gauges: numbers and yes/no as they are, times
    as Unix timestamps; text (a problem, in words) is left to `/healthz`."""

    def __init__(self, name: str, state: Callable[[], dict[str, Any]]) -> None:
        self.name = name
        self.state = state

    def collect(self) -> Iterator[GaugeMetricFamily]:
        for key, value in self.state().items():
            metric = f"animation_{self.name}_{key}"
            if isinstance(value, bool | int | float):
                yield GaugeMetricFamily(metric, f"{self.name}: {key}", value=float(value))
            elif key == "last_sync" and isinstance(value, str):
                moment = datetime.fromisoformat(value).timestamp()
                yield GaugeMetricFamily(f"{metric}_timestamp", f"{self.name}: {key}", value=moment)


class _RegistryCollector(Collector):
    """Whether the registry file on disk is refused (an older one is served), and when a
    registry last loaded: read from the holder at each scrape."""

    def __init__(self, stale: Callable[[], bool], loaded_at: Callable[[], datetime | None]) -> None:
        self.stale = stale
        self.loaded_at = loaded_at

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield GaugeMetricFamily(
            "animation_registry_stale",
            "1 while the registry file on disk is refused and the last good one is served.",
            value=1.0 if self.stale() else 0.0,
        )
        loaded_at = self.loaded_at()
        if loaded_at is not None:
            yield GaugeMetricFamily(
                "animation_registry_last_success_timestamp_seconds",
                "When a registry was last loaded (Unix time).",
                value=loaded_at.timestamp(),
            )


class Metrics:
    def __init__(self, *, outbox_counts: Callable[[], dict[str, int]] | None = None) -> None:
        self.registry = CollectorRegistry()
        self.commands = Counter(
            "animation_commands",
            "Slash commands by subcommand and outcome.",
            ["subcommand", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "animation_command_seconds",
            "Time to answer a slash command.",
            buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
            registry=self.registry,
        )
        self.requests = Counter(
            "animation_requests",
            "Requests opened, claimed, closed or reassigned, by category.",
            ["category", "event"],
            registry=self.registry,
        )
        self.deliveries = Counter(
            "animation_deliveries",
            "Outbox deliveries by outcome (sent, retried, dead).",
            ["outcome"],
            registry=self.registry,
        )
        self.reloads = Counter(
            "animation_registry_reloads",
            "Registry reloads by outcome (ok, refused).",
            ["outcome"],
            registry=self.registry,
        )
        self.nudges = Counter(
            "animation_reminders",
            "Reminders, escalations and weekly digests this replica sent, by step.",
            ["step"],
            registry=self.registry,
        )
        self.retention = Counter(
            "animation_retention",
            "What this replica's purges did: requests closed (open too long) and anonymised, "
            "messages and conversations erased.",
            ["event"],
            registry=self.registry,
        )
        if outbox_counts is not None:
            self.registry.register(_OutboxCollector(outbox_counts))

    def watch(self, name: str, state: Callable[[], dict[str, Any]]) -> None:
        """Export a loop's state (`animation_<name>_<field>`)."""
        self.registry.register(_StateCollector(name, state))

    def watch_registry(
        self, stale: Callable[[], bool], loaded_at: Callable[[], datetime | None]
    ) -> None:
        """Export `animation_registry_stale` and `..._last_success_timestamp_seconds`."""
        self.registry.register(_RegistryCollector(stale, loaded_at))

    def command(self, subcommand: str, outcome: str, seconds: float) -> None:
        """`subcommand` is a name of `commands.SUBCOMMANDS`, or `autre` (`commands.canonical`)."""
        self.commands.labels(subcommand=subcommand, outcome=outcome).inc()
        self.latency.observe(seconds)

    def request(self, category: str, *, confidential: bool, event: str) -> None:
        self.requests.labels(category=CONFIDENTIAL if confidential else category, event=event).inc()

    def delivery(self, outcome: str) -> None:
        self.deliveries.labels(outcome=outcome).inc()

    def nudge(self, step: str) -> None:
        self.nudges.labels(step=step).inc()

    def purged(self, event: str, count: int) -> None:
        self.retention.labels(event=event).inc(count)

    def reload(self, outcome: str) -> None:
        self.reloads.labels(outcome=outcome).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
