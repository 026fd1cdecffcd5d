"""What the benchmark scripts share: one definition of the 95th percentile, so that figures
from different scripts can be compared."""

from __future__ import annotations

from collections.abc import Sequence


def p95(values: Sequence[float]) -> float:
    """The 95th percentile by nearest rank over the sorted values (the largest of a few)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
