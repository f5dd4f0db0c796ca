"""Finding purchases by the words of their receipts, and the line a word was found on
(docs/search.md §7).

The inventory's search (`purchases.search`) finds a purchase when every word of the search is
found in its own search text **or** in the text read from one of its files (its readings):
`purchases_with_receipt_word` is that second condition for one word. It reaches this app through
`kernel.hooks` (purchases sits below receipts and cannot import it).

- A reading's words are the runs of letters and digits of its text, lower-cased, accents kept
  (migration 0002 indexes them: a `tsvector` with the 'simple' configuration on PostgreSQL, an
  FTS5 table on SQLite). A word of a search is found at the start of a word of the receipt
  (`grind` finds "Grinder", not "regrind"): full-text indexes keep words, not their insides. A
  search word with punctuation is a phrase: `INV-4411` finds "INV 4411" and "inv/4411".
- Typos are not forgiven in receipts: the purchases' typo variants are LIKE patterns on a
  trigram index, which a word index cannot serve.

`receipt_lines` gives, for the purchases of one page, the line of a receipt that holds the most
of the search's words, to show under the product: one query for the page.
"""

import re

from django.db import connection
from django.db.models import BooleanField, Expression, Q

from purchases.models import Attachment, Purchase
from receipts.models import ReceiptReading

# What separates the words, as the index splits them (migration 0002: ASCII punctuation made a
# space, then PostgreSQL's parser or SQLite's unicode61 tokenizer split on the rest).
NOT_A_WORD = re.compile(r"[\W_]+")
# The FTS5 table of the readings' words on SQLite (migration 0002).
SQLITE_TABLE = "receipts_search"
# At most this many characters of the line are shown, around the first word found in it.
LINE_SHOWN = 120


def word_tokens(word: str) -> list[str]:
    """The index's words in WORD, lower-cased: "INV-4411" is ["inv", "4411"]."""
    return [token for token in NOT_A_WORD.split(word.lower()) if token]


def _query_of(word: str) -> str | None:
    """The full-text query that finds WORD at the start of a receipt's word (its tokens as a
    phrase, the last one a prefix), or None when WORD has no letter or digit."""
    tokens = word_tokens(word)
    if not tokens:
        return None
    if connection.vendor == "postgresql":
        # The tokens hold no quote or backslash (NOT_A_WORD), so quoting them is enough.
        return " <-> ".join(f"'{token}'" for token in tokens) + ":*"
    return '"' + " ".join(tokens) + '"*'


def _any_of(queries: list[str]) -> str:
    if connection.vendor == "postgresql":
        return " | ".join(f"({query})" for query in queries)
    return " OR ".join(queries)


class PurchaseReadingsMatch(Expression):
    """The purchase has a file whose reading matches the full-text QUERY: one uncorrelated
    subquery, run once per query.

    On PostgreSQL `= ANY(ARRAY(...))`, not `IN (...)`: the array is computed first and the
    condition is an index condition on the key, so a search's OR of it with the trigram
    condition on `search_text` stays a combination of index scans (an `IN` is a filter checked
    on every purchase: 150 to 230 ms for any search at 100,000 purchases).
    """

    output_field = BooleanField()

    def __init__(self, query: str):
        super().__init__()
        self.query = query

    def as_sql(self, compiler, connection):
        readings, attachments = ReceiptReading._meta.db_table, Attachment._meta.db_table
        if connection.vendor == "postgresql":
            blobs = (
                f"SELECT r.blob_id FROM {readings} r "
                "WHERE r.search_words @@ to_tsquery('simple', %s)"
            )
        else:
            blobs = f"SELECT blob_id FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH %s"
        purchases = f"SELECT a.purchase_id FROM {attachments} a WHERE a.blob_id IN ({blobs})"
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        column = Purchase._meta.pk.column
        if connection.vendor == "postgresql":
            return f"{table}.{column} = ANY(ARRAY({purchases}))", [self.query]
        return f"{table}.{column} IN ({purchases})", [self.query]


class AttachmentReadingMatches(Expression):
    """The attachment's file has a reading that matches the full-text QUERY: checked for each
    of a page's few attachments (its reading by key, then that one row's words), rather than by
    gathering first every reading that holds a word (250 ms on SQLite for a common one)."""

    output_field = BooleanField()

    def __init__(self, query: str):
        super().__init__()
        self.query = query

    def as_sql(self, compiler, connection):
        readings = ReceiptReading._meta.db_table
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        if connection.vendor == "postgresql":
            matches = "r.search_words @@ to_tsquery('simple', %s)"
            words = ""
        else:
            matches = f"{SQLITE_TABLE} MATCH %s"
            words = f"JOIN {SQLITE_TABLE} ON {SQLITE_TABLE}.rowid = r.rowid "
        return (
            f"EXISTS (SELECT 1 FROM {readings} r {words}"
            f"WHERE r.blob_id = {table}.blob_id AND {matches})"
        ), [self.query]


def purchases_with_receipt_word(word: str) -> Q | None:
    """The condition that a reading of one of the purchase's files holds WORD (the lookup
    `kernel.hooks.purchases_with_receipt_word`); None when WORD cannot be looked up in words."""
    query = _query_of(word)
    if query is None:
        return None
    return Q(PurchaseReadingsMatch(query))


def receipt_lines(*, purchase_ids: list, words: list[str]) -> dict:
    """For each of PURCHASE_IDS whose files' readings hold some of WORDS: the file and its line
    with the most of them, shortened to LINE_SHOWN characters (`kernel.hooks.receipt_lines`).

    {purchase id: {"filename": ..., "line": ...}}. The file with the most words wins, then the
    first attached; in it, the first line with the most words. One query.
    """
    queries = [query for query in map(_query_of, words) if query]
    if not purchase_ids or not queries:
        return {}
    rows = (
        Attachment.objects.filter(purchase_id__in=purchase_ids)
        .filter(AttachmentReadingMatches(_any_of(queries)))
        .order_by("created_at", "id")
        .values_list("purchase_id", "filename", "blob__reading__text")
    )
    phrases = [tokens for tokens in map(word_tokens, words) if tokens]
    best: dict = {}
    for purchase_id, filename, text in rows:
        count, line = _best_line(text, phrases)
        if count and count > best.get(purchase_id, (0,))[0]:
            best[purchase_id] = (count, filename, line)
    return {
        purchase_id: {"filename": filename, "line": _shortened(line, phrases)}
        for purchase_id, (_, filename, line) in best.items()
    }


def _best_line(text: str, phrases: list[list[str]]) -> tuple[int, str]:
    """The number of PHRASES found in the first line of TEXT with the most of them, and it."""
    best = (0, "")
    for line in text.splitlines():
        tokens = word_tokens(line)
        count = sum(1 for phrase in phrases if _found(phrase, tokens))
        if count > best[0]:
            best = (count, line.strip())
    return best


def _found(phrase: list[str], tokens: list[str]) -> bool:
    """Whether PHRASE is in TOKENS as the index finds it: in a row, the last one a prefix."""
    size = len(phrase)
    for start in range(len(tokens) - size + 1):
        window = tokens[start : start + size]
        if window[:-1] == phrase[:-1] and window[-1].startswith(phrase[-1]):
            return True
    return False


def _shortened(line: str, phrases: list[list[str]]) -> str:
    """LINE, or LINE_SHOWN characters of it around the first word found, "…" where cut."""
    if len(line) <= LINE_SHOWN:
        return line
    lowered = line.lower()
    found = [lowered.find(phrase[0]) for phrase in phrases if phrase[0] in lowered]
    start = max(0, min(found, default=0) - LINE_SHOWN // 3)
    start = min(start, len(line) - LINE_SHOWN)
    end = start + LINE_SHOWN
    return ("…" if start else "") + line[start:end].strip() + ("…" if end < len(line) else "")
