"""Hooks: how a lower app's service has the apps above it follow a change it cannot import them for.

A hook is a list of functions that the service owning the change calls by name, explicitly, in
its own transaction (`Hook.run`); an app above connects to it when Django starts
(`AppConfig.ready`). Unlike Django's signals, nothing fires from a model's save: the services
stay the only place where writes and their consequences happen (docs/architecture.md §3).

- `base_currency_changed`: the household's base currency (the `currency_code` setting) has
  changed. `preferences.services` runs it; `purchases` connects the re-convert of every purchase
  (docs/currencies.md §6), which the preferences app, below purchases, cannot call itself.
- `attachment_added`: a file was attached to a purchase. `purchases.services` runs it;
  `receipts` connects the reading of a receipt's or invoice's text (docs/receipts.md).

A lookup is the same for a read: one function an app above provides, which a lower app calls.

- `purchases_searched`: the purchases that contain every word of a search. `purchases`
  provides it (`purchases.search`); the warranties page, below purchases, searches with it.
- `receipts_waiting_count`: how many receipts wait to be reviewed as drafts. `receipts` provides
  it (`receipts.selectors`); the inventory page, below receipts, links to them with it.
- `catalog_spending` and `household_spending`: what the purchases of each retailer and brand,
  and all of them, add up to. `analytics` provides them from the spending rollup
  (`analytics.selectors`); the catalog page, below the purchases, shows the first beside each
  entry, and the inventory's total line, in `purchases`, the second when nothing is filtered.
- `purchases_with_receipt_word` and `receipt_lines`: a search's word found in the text read from
  a purchase's files, and the line it is on. `receipts` provides them (`receipts.search`); the
  purchases' search, below receipts, finds purchases by their receipts with them
  (docs/search.md §7).
"""

from collections.abc import Callable


class Hook:
    """Functions called with keyword arguments when the change named by NAME happens."""

    def __init__(self, name: str):
        self.name = name
        self._receivers: list[Callable[..., None]] = []

    def connect(self, receiver: Callable[..., None]) -> None:
        """Have RECEIVER called at every run (once, however many times it is connected)."""
        if receiver not in self._receivers:
            self._receivers.append(receiver)

    def run(self, **details) -> None:
        """Call every connected function with DETAILS, in the caller's transaction."""
        for receiver in list(self._receivers):
            receiver(**details)


# Called with actor= (who changed it), before= and after= (the old and new codes).
base_currency_changed = Hook("the household's base currency changed")

# Called with attachment= (the new Attachment), when a file is attached to a purchase.
attachment_added = Hook("a file was attached to a purchase")


class Lookup:
    """One function, provided by an app above when Django starts, that a lower app calls."""

    def __init__(self, name: str):
        self.name = name
        self._function: Callable | None = None

    def provide(self, function: Callable) -> None:
        self._function = function

    def __call__(self, *args, **kwargs):
        if self._function is None:
            raise RuntimeError(f"Nothing provides {self.name}.")
        return self._function(*args, **kwargs)


# Called with the search's text; returns a queryset of the purchases that contain every word.
purchases_searched = Lookup("the purchases that match a search")

# Called with nothing; returns how many receipts wait for review (docs/receipts.md).
receipts_waiting_count = Lookup("the number of receipts waiting for review")

# Called with one word of a search; returns the condition (a Q on purchases) that the text read
# from one of the purchase's files holds it, or None when the word cannot be looked up there.
purchases_with_receipt_word = Lookup("the purchases whose receipts hold a word")

# Called with purchase_ids= and words=; returns {purchase id: {"filename": ..., "line": ...}}, the
# line of one of the purchase's receipts with the most of the words, for those that have one.
receipt_lines = Lookup("the receipt lines that hold a search's words")

# Called with base= (the household's base currency); returns {"retailer": {id: figures},
# "brand": {id: figures}} for the entries that have purchases, each figures with purchase_count,
# amount (in BASE, a Decimal in thousandths) and without_rate_count (counted, not added).
catalog_spending = Lookup("what the purchases of each retailer and brand add up to")

# Called with base=; returns the figures (as catalog_spending's) of every purchase.
household_spending = Lookup("what every purchase adds up to")
