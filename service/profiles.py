"""A commune's profile: every KPI against the city, its peers' median and its rank among the 126."""
from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from indicators.area import Area, Period
from indicators.scorecard import ScoreRow
from service.access import Principal, mask_communes
from service.core import QUESTIONS, Protection, question
from service.policies import area_detail, signed_in


@dataclass(frozen=True)
class Profile:
    """The pieces of a profile, each the protected answer of its own question (the commune's and the city's
    scorecards, all communes' values and ranks, the peers); `ranks` is masked for the caller."""

    area: Area
    rows: list[ScoreRow]
    city_rows: list[ScoreRow]
    ranks: pd.DataFrame
    peers: list[str]

    @property
    def rows_read(self) -> int:
        return sum(r.has_data for r in self.rows)


COMPOSED = Protection("composed", lambda value, params: value, "Built from the answers of the scorecard, "
                      "commune_ranks and peers questions, each protected by its own rule before it is used.")


def _mask_ranks(principal: Principal, profile: Profile) -> Profile:
    return replace(profile, ranks=mask_communes(principal, profile.ranks))


@question("profile", authorize=(signed_in, area_detail()), protect=COMPOSED, narrow=_mask_ranks, maxsize=128)
def profile(version: str, area: Area, period: Period, sectors: tuple[str, ...] = ()) -> Profile:
    """A commune's scorecard beside the city's, with every commune's values and ranks and its peers."""
    ask = lambda name, **params: QUESTIONS[name].answer(version, params)  # noqa: E731
    return Profile(area, ask("scorecard", area=area, period=period, sectors=sectors),
                   ask("scorecard", area=Area.CITY, period=period, sectors=sectors),
                   ask("commune_ranks", period=period, sectors=sectors), ask("peers", area=area, period=period))
