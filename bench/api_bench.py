"""Latency of the purchase list, search and detail endpoints with a large database.

Loads N purchases (default 100,000) with one or two warranties each into the database named by
DATABASE_URL (its data tables are emptied first: point it at a scratch database), then calls the
API in-process through Django's test client with a real token and reports, per endpoint, the
median and 95th-percentile time and the number of SQL queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/spends_bench \\
        .venv/bin/python bench/api_bench.py --purchases 100000

Not a test: run by hand; figures go in the notes of the change that needs them.
"""

import datetime

from dataset import Purchase, Retailer, arguments, clock, measure, prepare


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    client = prepare(args.purchases, args.skip_load)
    total = Purchase.objects.count()
    some_id = Purchase.objects.order_by("serial_number").values_list("id", flat=True)[total // 2]
    measure(client, "list, first page (20)", "/api/purchases", args.runs)
    measure(client, "list, page 100 (20)", "/api/purchases?skip=1980", args.runs)
    measure(client, "list, 100 per page", "/api/purchases?limit=100", args.runs)
    measure(client, "search 'kettle' (all fields)", "/api/purchases?search=kettle", args.runs)
    measure(client, "search rare 'SN0004242'", "/api/purchases?search=SN0004242", args.runs)
    measure(client, "filter retailer + date range", _retailer_filter(), args.runs)
    measure(client, "detail", f"/api/purchases/{some_id}", args.runs)
    measure(client, "warranties expiring in 30 days", "/api/warranties/expiring", args.runs)


def _retailer_filter() -> str:
    retailer = Retailer.objects.order_by("name").first()
    year_ago = clock.today() - datetime.timedelta(days=365)
    return f"/api/purchases?retailer_id={retailer.id}&date_from={year_ago}"


if __name__ == "__main__":
    main()
