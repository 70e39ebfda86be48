"""A KPI card's sparkline, drawn so a screen reader hears it and an accessibility audit passes.

`st.metric(chart_data=...)` draws its own Vega chart whose hover layer is an unlabelled SVG symbol (axe-core:
"svg-img-alt", serious, once per card); this one says in words what the line shows, and keeps the line's
colour a repeat of the change badge's arrow, never the only carrier of good or bad.
"""
from __future__ import annotations

import math

import streamlit as st

TONE_COLOURS = {"good": "#1e7a34", "bad": "#a82634", "neutral": "#6b6a69"}
HEIGHT = 44


def tone(delta: float | None, direction: str) -> str:
    """good / bad / neutral for a change, given whether a higher value is better ('higher'/'lower')."""
    if not delta or direction not in ("higher", "lower"):
        return "neutral"
    return "good" if (delta > 0) == (direction == "higher") else "bad"


def spec(values: list[float], colour: str) -> dict:
    """A bare line (no axes, no hover layer) over the periods that have a value."""
    points = [{"i": i, "v": v} for i, v in enumerate(values) if v is not None and not math.isnan(v)]
    return {
        "data": {"values": points},
        "mark": {"type": "line", "color": colour, "strokeWidth": 2, "strokeCap": "round", "aria": False},
        "encoding": {
            "x": {"field": "i", "type": "quantitative", "axis": None, "scale": {"zero": False, "nice": False}},
            "y": {"field": "v", "type": "quantitative", "axis": None, "scale": {"zero": False, "nice": False}},
        },
        "config": {"view": {"stroke": None}},
        "padding": {"left": 0, "right": 0, "top": 2, "bottom": 2},
    }


def show_sparkline(values: list[float], colour_tone: str, alt: str) -> None:
    """Draw the line; `alt` is the sentence a screen reader reads instead (e.g. 'from 74,8% to 75,6%')."""
    st.vega_lite_chart(spec(values, TONE_COLOURS[colour_tone]), width="stretch", height=HEIGHT, alt=alt)
