"""Small numeric building blocks of the demo generator: paths, flow shapes and integer allocation.

Kept apart from `demo_data` because they are rules that hold for all inputs (integer totals are exact,
cumulative knots are hit), and they have property tests of their own.
"""
from __future__ import annotations

import numpy as np
import pandas as pd


def months_between(start: pd.Timestamp, end: pd.Timestamp) -> pd.DatetimeIndex:
    """First days of every month from start to end, inclusive."""
    return pd.date_range(start, end, freq="MS")


def last_complete_month(today: pd.Timestamp | None = None) -> pd.Timestamp:
    """The first day of the last month that has fully ended."""
    today = pd.Timestamp.today().normalize() if today is None else today
    return (today.to_period("M") - 1).to_timestamp()


def yearly_path(years: list[int], values: list[float], months: pd.DatetimeIndex) -> np.ndarray:
    """Monthly values that pass through each yearly value at mid-year, linear in between.

    Before the first and after the last mid-year point the nearest year's slope carries on (never a flat
    line: a flat tail would tell every forecast that progress has stopped).
    """
    x_years = np.array(years, dtype=float) + 5.5 / 12
    y_years = np.array(values, dtype=float)
    x_months = months.year.to_numpy() + (months.month.to_numpy() - 1) / 12
    path = np.interp(x_months, x_years, y_years)
    if len(years) >= 2:
        head, tail = x_months < x_years[0], x_months > x_years[-1]
        first = (y_years[1] - y_years[0]) / (x_years[1] - x_years[0])
        last = (y_years[-1] - y_years[-2]) / (x_years[-1] - x_years[-2])
        path[head] = y_years[0] + first * (x_months[head] - x_years[0])
        path[tail] = y_years[-1] + last * (x_months[tail] - x_years[-1])
    return path


def allocate_integers(totals: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Split integer totals (one per column) into integer parts proportional to weights (rows).

    Largest-remainder rounding: every column sums exactly to its total and no part is negative.
    `weights` has shape (parts, columns) and non-negative entries; a column of zero weights is split evenly.
    """
    totals = np.asarray(totals, dtype=np.int64)
    weights = np.asarray(weights, dtype=float)
    col_sums = weights.sum(axis=0)
    even = np.full_like(weights, 1.0 / weights.shape[0])
    shares = np.where(col_sums > 0, weights / np.where(col_sums > 0, col_sums, 1.0), even)
    exact = shares * totals
    floors = np.floor(exact).astype(np.int64)
    remainder = totals - floors.sum(axis=0)
    order = np.argsort(-(exact - floors), axis=0, kind="stable")
    ranks = np.empty_like(order)
    rows = np.arange(weights.shape[0])[:, None]
    np.put_along_axis(ranks, order, np.broadcast_to(rows, order.shape).copy(), axis=0)
    return floors + (ranks < remainder).astype(np.int64)


def distribute_flow(
    months: pd.DatetimeIndex,
    yearly_totals: dict[int, float],
    knots: dict[pd.Timestamp, float],
    month_weights: np.ndarray,
) -> np.ndarray:
    """Monthly integer counts of a flow whose yearly totals and year-to-date knots are given exactly.

    Between two knots of the same year the increment is spread over the months in proportion to
    `month_weights` (one weight per month of `months`, e.g. lower in the Tết month). Rounding is done on
    the cumulative sum, so every knot and every full-year total is hit exactly.
    """
    out = np.zeros(len(months), dtype=np.int64)
    years = months.year.to_numpy()
    for year in np.unique(years):
        if year not in yearly_totals:
            continue
        all_months = pd.date_range(pd.Timestamp(int(year), 1, 1), periods=12, freq="MS")
        idx_in_output = {m: i for i, m in enumerate(months) if m.year == year}
        weights = np.array([month_weights[idx_in_output[m]] if m in idx_in_output else np.mean(month_weights)
                            for m in all_months])
        points = [(0, 0.0)] + sorted((k.month, v) for k, v in knots.items() if k.year == year)
        points.append((12, float(yearly_totals[year])))
        cumulative = np.zeros(12)
        for (m0, c0), (m1, c1) in zip(points, points[1:]):
            if m1 <= m0:
                continue
            w = weights[m0:m1]
            cumulative[m0:m1] = c0 + (c1 - c0) * np.cumsum(w) / w.sum()
        monthly = np.diff(np.concatenate([[0], np.round(cumulative)])).astype(np.int64)
        for m, i in idx_in_output.items():
            out[i] = monthly[m.month - 1]
    return out
