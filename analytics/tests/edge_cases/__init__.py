"""Hand-written cases of the analytics endpoints.

docs/api.md §5.5 with the decisions §9.3 and §9.8 to §9.12: empty and one-purchase
databases, month and year boundaries, the leap day, warranties ending around today, currencies
kept apart, half-up rounding of averages and percentages, and the bounds of every parameter.

A folder of its own because its autouse `pinned_today` (conftest.py) fixes today's date for these
tests only; the reference tests (analytics/tests/reference/) pin days of their own.
"""
