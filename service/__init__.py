"""The service layer: one function per question a user can ask, each authorized, protected and audited.

Pages (through ui/data.py), the HTTP API (api/), the briefing (briefing/) and the command line (cli/)
ask only these functions; each takes a `Caller` first (who asks, through which door) and returns values
that carry their status, source and vintage. How a question is declared and what the one hook does:
service/core.py. Who may see what: service/access.py. The small-count rule per answer:
service/protection.py. No Streamlit here.
"""
from __future__ import annotations

from indicators.area import Area, BadRequest, Period
from service.access import AccessDenied, NotSignedIn, Principal
from service.audit_trail import audit_events
from service.audit import Caller
from service.completeness import completeness, missing_reports
from service.core import QUESTIONS
from service.forecasts import forecast_communes, forecast_paths, forecasts, official_forecasts
from service.maps import commune_ranks, map_values, peers
from service.profiles import Profile, profile
from service.plans import commune_completion, plan_line, plan_overview, plan_progress, target
from service.reference import (
    commune_facts, indicators, published_figures, template_form, template_guide, templates,
)
from service.scorecards import KpiValue, scorecard, value
from service.sectors import sector_demand, sector_figures, sector_forecast, sector_matrix, sector_status
from service.series import series, series_by_commune
from service.tables import (
    downloadable_tables, freshness, ingest_summary, methodology, reconciliation_city, table_years, version_info,
    version_table,
)

__all__ = [
    "QUESTIONS", "AccessDenied", "audit_events", "Area", "BadRequest", "Caller", "KpiValue", "NotSignedIn", "Period", "Principal",
    "commune_completion", "commune_facts", "commune_ranks", "completeness", "missing_reports", "downloadable_tables", "forecast_communes",
    "forecast_paths", "forecasts", "freshness", "indicators", "ingest_summary", "map_values", "methodology",
    "official_forecasts", "peers", "Profile", "profile", "plan_line", "plan_overview", "plan_progress", "published_figures", "reconciliation_city",
    "scorecard", "sector_demand", "sector_figures", "sector_forecast", "sector_matrix", "sector_status",
    "series", "series_by_commune", "table_years", "target", "template_form", "template_guide", "templates",
    "value", "version_info", "version_table",
]
