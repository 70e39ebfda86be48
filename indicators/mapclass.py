"""Colour classes for choropleths that tell the truth: quantile classes for levels, classes symmetric
around zero for the distance to a target, and no class at all for a commune without data.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from indicators.targets import Target

SEQUENTIAL = ("#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d")
DIVERGING = ("#b2182b", "#ef8a62", "#fddbc7", "#d1e5f0", "#67a9cf", "#2166ac")  # worse ... better
NO_DATA = "#d9d9d9"


@dataclass(frozen=True)
class Classes:
    """Class edges (len = n_classes + 1), one colour per class, and each value's class (-1 = no data)."""

    edges: tuple[float, ...]
    colours: tuple[str, ...]
    index: tuple[int, ...]


def _assign(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    inner = edges[1:-1]
    idx = np.searchsorted(inner, values, side="right")
    return np.where(np.isfinite(values), idx, -1)


def quantile_classes(values: list[float | None], k: int = 5) -> Classes:
    """Up to k classes with about as many communes in each (fewer when values repeat)."""
    arr = np.array([np.nan if v is None else v for v in values], dtype=float)
    finite = arr[np.isfinite(arr)]
    if finite.size == 0:
        return Classes((), (), tuple(-1 for _ in arr))
    edges = np.unique(np.quantile(finite, np.linspace(0, 1, k + 1)))
    if edges.size == 1:
        edges = np.array([edges[0], edges[0]])
    colours = SEQUENTIAL[-(edges.size - 1):] if edges.size - 1 < len(SEQUENTIAL) else SEQUENTIAL
    return Classes(tuple(float(e) for e in edges), tuple(colours), tuple(int(i) for i in _assign(arr, edges)))


def distance_to_target(value: float | None, target: Target | None) -> float | None:
    """Signed gap to the 2030 target, positive when the target is met (for either direction)."""
    if value is None or target is None or target.threshold is None or not np.isfinite(value):
        return None
    return value - target.threshold if target.direction != "lower" else target.threshold - value


def diverging_classes(distances: list[float | None]) -> Classes:
    """Six classes symmetric around zero: three shades below the target, three above."""
    arr = np.array([np.nan if v is None else v for v in distances], dtype=float)
    finite = np.abs(arr[np.isfinite(arr)])
    if finite.size == 0:
        return Classes((), (), tuple(-1 for _ in arr))
    top = float(np.quantile(finite, 0.95)) or float(finite.max()) or 1.0
    step = top / 3
    edges = np.array([-np.inf, -2 * step, -step, 0.0, step, 2 * step, np.inf])
    shown = (float(arr[np.isfinite(arr)].min()), -2 * step, -step, 0.0, step, 2 * step, float(arr[np.isfinite(arr)].max()))
    shown = tuple(min(shown[0], -3 * step) if i == 0 else (max(shown[-1], 3 * step) if i == 6 else v)
                  for i, v in enumerate(shown))
    return Classes(shown, DIVERGING, tuple(int(i) for i in _assign(arr, edges)))
