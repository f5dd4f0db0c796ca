"""Django's paginator for the pages of long lists: a page's rows are chosen by key first."""

from collections.abc import Callable

from django.core.paginator import Paginator

from kernel.schemas import rows_by_keys, rows_in_order


class PaginatorByKeys(Paginator):
    """Django's paginator whose page rows are chosen by key in a narrow query, then read with
    what a row shows (SHOWN: its joins, annotations and prefetches) for those rows alone
    (`kernel.schemas.rows_by_keys`).

    An order that no index gives (the warranties page's current ones first) otherwise sorted
    every row with all its joined columns: at 125,000 warranties on PostgreSQL, 92 ms, spilled
    to disk; by key, 18 ms in memory (docs/performance.md). COUNT, when the caller has it,
    saves counting the rows again. KEYS(skip, limit), when given, may find a page's keys a
    cheaper way (a search's best matches among the newest purchases, the warranties state by
    state); it answers None when it cannot, and the narrow query chooses them.
    """

    def __init__(
        self,
        object_list,
        per_page,
        *,
        shown,
        count: int | None = None,
        keys: Callable[[int, int], list | None] | None = None,
    ):
        super().__init__(object_list, per_page)
        self.shown = shown
        self.keys = keys
        if count is not None:
            self.count = count  # Paginator.count is a cached property

    def page(self, number):
        number = self.validate_number(number)
        skip = (number - 1) * self.per_page
        limit = min(self.per_page, self.count - skip)
        rows = self.rows(skip, limit) if limit > 0 else []
        return self._get_page(rows, number, self)

    def rows(self, skip: int, limit: int) -> list:
        """Rows SKIP to SKIP + LIMIT (LIMIT > 0), as SHOWN reads them."""
        found = self.keys(skip, limit) if self.keys is not None else None
        if found is not None:
            return rows_in_order(self.shown, found)
        return list(rows_by_keys(self.object_list, skip, limit, self.shown))
