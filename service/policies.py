"""Authorization policies and per-principal narrowing for questions (the rules are service/access.py).

A policy takes (principal, bound parameters) and returns the parameters the principal may ask, or raises
AccessDenied; a narrowing takes (principal, a computed answer) and returns what that principal may see.
"""
from __future__ import annotations

from typing import Any, Callable

import pandas as pd

from indicators.area import Area
from service.access import (
    Principal, authorize_area, drop_hidden_rows, mask_communes, require_admin, require_commune_rows,
    require_download, require_signed_in,
)

Params = dict[str, Any]


def signed_in(principal: Principal, params: Params) -> Params:
    """Anyone with an identity (every question has at least this)."""
    require_signed_in(principal)
    return params


def area_detail(name: str = "area") -> Callable[[Principal, Params], Params]:
    """The `name` parameter (an Area) must be one whose detail the principal may see."""
    def policy(principal: Principal, params: Params) -> Params:
        area = params[name]
        if not isinstance(area, Area):
            raise TypeError(f"{name} must be an Area, not {type(area).__name__}")
        authorize_area(principal, area)
        return params
    policy.__name__ = f"area_detail({name})"
    return policy


def areas_detail(name: str = "areas") -> Callable[[Principal, Params], Params]:
    """Every Area in the `name` parameter (a tuple) must be one the principal may see in detail."""
    def policy(principal: Principal, params: Params) -> Params:
        for area in params[name]:
            authorize_area(principal, area)
        return params
    policy.__name__ = f"areas_detail({name})"
    return policy


def commune_rows(principal: Principal, params: Params) -> Params:
    """A per-commune breakdown: for accounts that may see at least one commune in detail."""
    require_commune_rows(principal)
    return params


def downloads(principal: Principal, params: Params) -> Params:
    """Taking data away: leaders, analysts and commune officials."""
    require_download(principal)
    return params


def admin(principal: Principal, params: Params) -> Params:
    """Administrators only (the audit trail, boundary uploads)."""
    require_admin(principal)
    return params


def mask(column: str = "code") -> Callable[[Principal, pd.DataFrame], pd.DataFrame]:
    """Keep every commune's row but blank the figures of those the principal may not see (maps keep the city)."""
    def narrowing(principal: Principal, frame: pd.DataFrame) -> pd.DataFrame:
        return mask_communes(principal, frame, column)
    narrowing.__name__ = f"mask({column})"
    return narrowing


def drop_others(*columns: str) -> Callable[[Principal, pd.DataFrame], pd.DataFrame]:
    """Drop the rows of communes the principal may not see, by each of the columns holding a commune code
    (default `commune_code`); city rows (an empty or non-commune code) stay."""
    columns = columns or ("commune_code",)

    def narrowing(principal: Principal, frame: pd.DataFrame) -> pd.DataFrame:
        if frame is None:
            return frame
        for column in columns:
            frame = drop_hidden_rows(principal, frame, column)
        return frame
    narrowing.__name__ = f"drop_others({', '.join(columns)})"
    return narrowing
