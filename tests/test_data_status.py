"""The weakest data status present wins (issue 14, item 7)."""
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.data_status import weakest_status
from indicators.warehouse import STATUS_ORDER


def test_the_weakest_status_wins_not_the_alphabetical_last():
    assert weakest_status(["official", "demo", "estimate"]) == "demo"
    assert weakest_status(["official", "preliminary"]) == "preliminary"  # alphabetically 'preliminary' > 'estimate'
    assert weakest_status(["estimate", "preliminary"]) == "estimate"  # ... but max() would say 'preliminary'
    assert weakest_status(["official"]) == "official"


def test_nothing_known_is_none():
    assert weakest_status([]) is None
    assert weakest_status([None, float("nan"), "unknown"]) is None


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(list(STATUS_ORDER) + [None]), max_size=12))
def test_adding_a_figure_never_makes_the_badge_stronger(statuses):
    before = weakest_status(statuses)
    for extra in STATUS_ORDER:
        after = weakest_status(statuses + [extra])
        assert after is not None
        if before is not None:
            assert STATUS_ORDER.index(after) >= STATUS_ORDER.index(before)
