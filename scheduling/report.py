"""What a sweep did, per kind: the report `mentorbot tick` prints and the metrics count."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field


@dataclass
class KindCounts:
    ran: int = 0
    deferred: int = 0
    failed: int = 0
    retried: int = 0
    sent: int = 0


@dataclass
class SweepReport:
    kinds: dict[str, KindCounts] = field(default_factory=lambda: defaultdict(KindCounts))
    claimed: int = 0
    seconds: float = 0.0

    def total(self, what: str) -> int:
        return sum(getattr(c, what) for c in self.kinds.values())

    def lines(self) -> list[str]:
        out = [
            f"claimed {self.claimed} in {self.seconds:.3f}s: ran {self.total('ran')}, "
            f"deferred {self.total('deferred')}, failed {self.total('failed')}, "
            f"retried {self.total('retried')}, messages sent {self.total('sent')}"
        ]
        for kind in sorted(self.kinds):
            c = self.kinds[kind]
            out.append(
                f"  {kind}: ran {c.ran}, deferred {c.deferred}, failed {c.failed}, "
                f"retried {c.retried}, sent {c.sent}"
            )
        return out
