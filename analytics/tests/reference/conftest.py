"""Fixtures of the analytics reference tests: `data`, one dataset per seed (SEEDS in oracle.py)
with today pinned to the seed's day and the base currency it draws."""

import random

import pytest

from analytics.tests.reference.oracle import (
    CURRENCIES,
    SEEDS,
    TODAYS,
    Dataset,
    build_dataset,
)
from preferences.services import preferences_update

# The fast lane (`make test-fast`) compares the first seeds, which already draw every base
# currency and several of the days; the full suite compares all of them.
FAST_LANE_SEEDS = 4


@pytest.fixture(
    params=[
        seed if seed < FAST_LANE_SEEDS else pytest.param(seed, marks=pytest.mark.slow)
        for seed in SEEDS
    ],
    ids=lambda seed: f"seed{seed}",
)
def data(request, monkeypatch) -> Dataset:
    seed = request.param
    rng = random.Random(seed)
    today = TODAYS[seed % len(TODAYS)]
    monkeypatch.setattr("kernel.clock.today", lambda: today)
    preferred = (*CURRENCIES, None)[seed % 4]
    if preferred:
        preferences_update(currency_code=preferred)
    return build_dataset(rng, today, preferred or "USD")
