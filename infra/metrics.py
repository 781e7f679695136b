"""Prometheus metrics, on a registry per app instance (tests build many apps)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 3.0, 5.0)


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "mentorbot_requests",
            "Requests received from Slack, by kind and HTTP status.",
            ["kind", "status"],
            registry=self.registry,
        )
        self.ack_seconds = Histogram(
            "mentorbot_ack_seconds",
            "Time from receiving a Slack request to answering it, by kind.",
            ["kind"],
            buckets=ACK_BUCKETS,
            registry=self.registry,
        )
        self.errors = Counter(
            "mentorbot_listener_errors",
            "Errors raised by listeners, by type (domain errors are user mistakes).",
            ["type"],
            registry=self.registry,
        )
        self.listeners_in_flight = Gauge(
            "mentorbot_listeners_in_flight",
            "Listener runs not finished yet, counting the work they do after the acknowledgement.",
            registry=self.registry,
        )
        self.too_large = Counter(
            "mentorbot_requests_too_large",
            "Requests refused with 413 because their body was over the limit (never read).",
            registry=self.registry,
        )
        self.slack_calls = Counter(
            "mentorbot_slack_api_calls",
            "Slack Web API calls made, by method and error code ('ok' when none).",
            ["method", "error"],
            registry=self.registry,
        )

        self.sweep_seconds = Histogram(
            "mentorbot_sweep_seconds",
            "Duration of scheduler sweeps.",
            buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
            registry=self.registry,
        )
        self.due_backlog = Gauge(
            "mentorbot_due_backlog",
            "Due work waiting to run (pending and due), after the last sweep.",
            registry=self.registry,
        )
        self.work_outcomes = Counter(
            "mentorbot_due_work",
            "Due work processed by sweeps, by kind and outcome (ran, deferred, retried, failed).",
            ["kind", "outcome"],
            registry=self.registry,
        )

    def slack_call(self, method: str, outcome: str) -> None:
        """Count one finished Web API call (see ``infra.slack.CallRecorder``)."""
        self.slack_calls.labels(method, outcome).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
