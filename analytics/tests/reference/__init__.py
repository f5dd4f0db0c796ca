"""The analytics endpoints against a plain-Python reference, on generated data.

docs/api.md §5.5 with the decisions §9.3 and §9.8 to §9.12. Each seed builds a
dataset with the factories (three currencies, odd cents, month ends, 29 February 2024, purchases
without retailer or brand, unused retailers and brands, several warranties per purchase, voided
ones, ends on the days around "today"). Purchases in other currencies than the base keep a
conversion (purchases.tests.base_prices): at an ECB or a manual rate, none (no usable rate), or
one to a former base. Every expected figure is computed in oracle.py from the factory objects,
with Decimal arithmetic and its own month bucketing, never with the code under test: without
`?currency=`, in the base; with it, in that currency only. The test modules go by figure.

A folder of its own because its `data` fixture (conftest.py), one dataset per seed with today
pinned to the seed's day, is for these tests only.
"""
