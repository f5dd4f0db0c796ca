"""Finding purchases by words, for the inventory, the warranties, the API and the admin alike.

What a search finds (docs/search.md):

- Every word must be found, case-insensitively and anywhere in a word, in the purchase's search
  text: its own columns (`SEARCH_COLUMNS`), its warranties' provider and notes, their claims'
  numbers and its attachments' file names (the related words, migrations 0015 and 0017) — or in
  its retailer's or brand's name. `bosch dish` finds "Serie 6 dishwasher" by Bosch.
- A rare word (in fewer than COMMON_WORD purchases) of four or more letters is also found with
  one typo (`typo_variants`): `dishwashr` finds "dishwasher", `bosh` finds Bosch. One query
  (`_common_words`) counts the words, another (`_variants_found`) tells which of a rare word's
  variants occur; only those are searched, with LIKE on the same index.
- A word is also found in the text read from one of the purchase's files (its receipts):
  `kernel.hooks.purchases_with_receipt_word`, which the receipts app, above this one, provides
  (docs/search.md §7). Each word may come from either: `mazzer 4411` finds the grinder whose
  invoice is `invoice-4411.pdf` and says "Mazzer" only on its lines.
- `ranked` orders by relevance (`search_rank`): every word exactly in the product name first,
  then every word exactly in the product name, brand or retailer, then every word exactly
  anywhere, then matches with a typo or through a receipt; newest first within each.

How it stays fast at 100,000 purchases, one index per database:

- PostgreSQL keeps the purchase's search text upper-cased in a stored generated column,
  `search_text` (migrations 0012, 0015: its columns and `search_extra`, the related words that
  triggers on the related tables write). One trigram GIN index on it answers each word's
  `LIKE '%WORD%'` and its typos' LIKE patterns, whatever column the word is in. Retailers
  and brands are few: the matching ones are looked up first (one query for all words, typos
  included), so every branch of a word's OR is an indexed condition on the
  purchases table and PostgreSQL combines bitmap index scans.
- SQLite keeps the same text in an FTS5 table with the trigram tokenizer (`purchases_search`,
  one row per purchase under its rowid), kept by triggers on the purchases table and on each
  related table. A word of three or more printable characters is looked up with `MATCH`; a
  shorter one with `LIKE` on the same table (trigrams cannot index it: a scan); a typo as the
  `LIKE` patterns of the word's one-edit variants that occur (each with a run of three letters,
  which the trigram index serves).

A migration that makes Django rebuild purchases_purchase on SQLite drops the triggers; it must run
migration 0015's `create_search` again (a test checks the triggers after all migrations). Adding
a source of words (a warranty claim's number) is one `Source` in that migration's list.
"""

import datetime
import re
from contextlib import contextmanager

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Expression,
    F,
    Func,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.lookups import IContains

from catalog.models import Brand, Retailer
from kernel.hooks import purchases_with_receipt_word
from purchases.models import Purchase

SEARCH_COLUMNS = [
    "product_name",
    "model_number",
    "serial_number",
    "retailer_order_number",
    "tags",
    "notes",
]
SEARCH_INDEX_NAME = "purchase_search_text_trgm"
SQLITE_SEARCH_TABLE = "purchases_search"
# More words than this in one search are not looked for: the search box is for finding, and each
# word is one more index scan.
MAX_WORDS = 8
# The trigram tokenizer indexes runs of three characters: shorter words cannot use its index.
FTS_SHORTEST_WORD = 3
# Shorter words are looked for exactly: one edit of three letters is another common word.
TYPO_SHORTEST_WORD = 4
# A word found in this many purchases or more is not looked for with a typo (Search.typos).
COMMON_WORD = 50
# Search.newest_best_keys reads at most this many of the newest purchases.
NEWEST_READ = 1000
EARLIEST = datetime.datetime(1, 1, 1, tzinfo=datetime.UTC)
# search_rank: lower is better. RANK_TYPO is also that of a purchase found through a receipt.
RANK_IN_NAME, RANK_IN_NAME_OR_CATALOG, RANK_EXACT, RANK_TYPO = 0, 1, 2, 3


class JoinedText(Func):
    """Its arguments joined by spaces as one text, an absent (NULL) one counting as empty.

    Written as one SQL template rather than Django's Concat, whose nested pairs cost more to
    build and compile; `||` keeps the expression immutable, as PostgreSQL requires of an indexed
    one (migration 0009 indexed it).
    """

    arg_joiner = " || ' ' || "
    template = "(%(expressions)s)"
    output_field = TextField()

    def as_sql(self, compiler, connection, **extra_context):
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, expression_params = compiler.compile(expression)
            parts.append(f"COALESCE({sql}, '')")
            params.extend(expression_params)
        return self.template % {"expressions": self.arg_joiner.join(parts)}, params


def search_document() -> JoinedText:
    """The purchase's own searchable columns joined into one text (migration 0009 uses it)."""
    return JoinedText(*SEARCH_COLUMNS)


def search_words(text: str | None) -> list[str]:
    """The distinct words of TEXT, in order, at most MAX_WORDS of them."""
    words = []
    for word in (text or "").split():
        if word.casefold() not in (seen.casefold() for seen in words):
            words.append(word)
    return words[:MAX_WORDS]


# -- Typos ----------------------------------------------------------------------------------


def typo_tolerant(word: str) -> bool:
    """Whether WORD may be found with a typo: four letters or more (a code or a number with one
    character off is another thing)."""
    return len(word) >= TYPO_SHORTEST_WORD and word.isalpha()


def typo_variants(word: str) -> list[str]:
    """The texts one edit away from WORD, as LIKE patterns ("_" for any one character).

    A letter left out, changed, added or two swapped. Only variants with four known characters,
    three of them in a row, are kept: the trigram index serves those, and shorter ones match
    too much (`bosh` keeps `bos_h`, which finds "Bosch", and drops `bo_sh`).
    """
    if not typo_tolerant(word):
        return []
    w = word.casefold()
    variants = set()
    for i in range(len(w)):
        variants.add(w[:i] + w[i + 1 :])
        variants.add(w[:i] + "_" + w[i + 1 :])
    for i in range(len(w) + 1):
        variants.add(w[:i] + "_" + w[i:])
    for i in range(len(w) - 1):
        variants.add(w[:i] + w[i + 1] + w[i] + w[i + 2 :])
    variants.discard(w)
    return sorted(v for v in variants if _specific(v))


def _specific(variant: str) -> bool:
    known = variant.replace("_", "")
    return len(known) >= TYPO_SHORTEST_WORD and max(map(len, variant.split("_"))) >= 3


def typo_pattern(word: str) -> str | None:
    """A regular expression that finds WORD with one typo (its variants), or None."""
    variants = typo_variants(word)
    return "|".join(v.replace("_", ".") for v in variants) or None


# -- Retailers and brands -------------------------------------------------------------------


class CatalogMatches:
    """For each word, the retailers and brands whose name contains it exactly or with a typo."""

    def __init__(self, words: list[str]):
        self.exact = {word: {"retailer": [], "brand": []} for word in words}
        self.typo = {word: {"retailer": [], "brand": []} for word in words}
        self.patterns = {word: typo_pattern(word) for word in words}
        self.names: list[tuple[str, object, str]] = []  # (kind, id, name) of every match

    def add(self, kind: str, entry_id, name: str) -> None:
        self.names.append((kind, entry_id, name))
        for word in self.exact:
            if word.casefold() in name.casefold():
                self.exact[word][kind].append(entry_id)
            elif self._near(word, name):
                self.typo[word][kind].append(entry_id)

    def _near(self, word: str, name: str) -> bool:
        pattern = self.patterns[word]
        return bool(pattern and re.search(pattern, name, re.IGNORECASE))

    def matches_every_word(self, name: str) -> bool:
        return all(
            word.casefold() in name.casefold() or self._near(word, name) for word in self.exact
        )


def catalog_matches(words: list[str]) -> CatalogMatches:
    """The retailers and brands named by any word of WORDS, typos included: one query."""
    conditions = [("name__icontains", word) for word in words]
    conditions += [("name__iregex", typo_pattern(w)) for w in words if typo_pattern(w)]
    matches_a_word = Q.create(conditions, connector=Q.OR)
    rows = (
        Retailer.objects.filter(matches_a_word)
        .annotate(kind=Value("retailer"))
        .values_list("kind", "id", "name")
        .order_by()
        .union(
            Brand.objects.filter(matches_a_word)
            .annotate(kind=Value("brand"))
            .values_list("kind", "id", "name")
            .order_by(),
            all=True,
        )
    )
    found = CatalogMatches(words)
    for kind, entry_id, name in rows:
        found.add(kind, entry_id, name)
    return found


# -- Purchases ------------------------------------------------------------------------------


class Search:
    """The conditions of one search on purchases: which match, and how well."""

    def __init__(self, text: str | None):
        self.words = search_words(text)
        self.catalog = catalog_matches(self.words) if self.words else None
        # A word that may have a typo is looked for with one (`typos`: its variants that some
        # purchase contains, perhaps none, as a retailer's or brand's name may still have it)
        # only if it is rare. A word found in COMMON_WORD purchases or more is common: its
        # variants would find mostly other words, and each one searched costs a check of every
        # match (docs/search.md §2). Common words also make `newest_best_keys` worth trying.
        words = [word for word in self.words if typo_tolerant(word)]
        self.common = _common_words(words) if words else set()
        self.typos = _variants_found({w: typo_variants(w) for w in words if w not in self.common})

    def exact(self, word: str) -> Q:
        ids = self.catalog.exact[word]
        return (
            _in_search_text(word)
            | Q(retailer_id__in=ids["retailer"])
            | Q(brand_id__in=ids["brand"])
        )

    def found(self, word: str) -> Q:
        """WORD exactly or, if it is rare and long enough, with one typo; or in a receipt."""
        condition = self.exact(word)
        if word in self.typos:
            ids = self.catalog.typo[word]
            condition |= Q(retailer_id__in=ids["retailer"]) | Q(brand_id__in=ids["brand"])
            if self.typos[word]:
                condition |= Q(_near_search_text(self.typos[word]))
        in_receipts = purchases_with_receipt_word(word)
        return condition if in_receipts is None else condition | in_receipts

    def condition(self) -> Q:
        return Q.create([self.found(word) for word in self.words], connector=Q.AND)

    def _in_name(self) -> list[IContains]:
        return [IContains(F("product_name"), word) for word in self.words]

    def rank(self) -> Case:
        """search_rank (RANK_*) of a purchase that matches."""
        in_name = self._in_name()
        in_catalog = [
            Q(retailer_id__in=self.catalog.exact[word]["retailer"])
            | Q(brand_id__in=self.catalog.exact[word]["brand"])
            for word in self.words
        ]
        return Case(
            When(Q.create(in_name, connector=Q.AND), then=Value(RANK_IN_NAME)),
            When(
                Q.create(
                    [Q(name) | catalog for name, catalog in zip(in_name, in_catalog, strict=True)],
                    connector=Q.AND,
                ),
                then=Value(RANK_IN_NAME_OR_CATALOG),
            ),
            When(
                Q.create([self.exact(word) for word in self.words], connector=Q.AND),
                then=Value(RANK_EXACT),
            ),
            default=Value(RANK_TYPO),
        )

    def ranked(self, purchases):
        """PURCHASES that contain every word, best matches first, then newest.

        The order is an expression, not an annotation, so that a page chosen by key
        (`kernel.schemas.rows_by_keys`) can apply it again to the rows it loads.
        """
        if not self.words:
            return purchases.order_by("-created_at", "-id")
        return purchases.filter(self.condition()).order_by(self.rank().asc(), "-created_at", "-id")

    def newest_best_keys(self, purchases, skip: int, limit: int) -> list | None:
        """The keys of rows SKIP to SKIP + LIMIT of `ranked(PURCHASES)` when the newest
        NEWEST_READ purchases hold them all; else None, and the caller ranks every match.

        The best matches (RANK_IN_NAME: every word in the product name) come first, newest first.
        When the newest purchases hold SKIP + LIMIT of them, those are the rows: every other best
        match is older. Two queries, the date of the NEWEST_READth newest purchase and the walk
        back to it: 1 to 2 ms at 100,000 purchases on PostgreSQL, where ranking the 12,000 matches
        of a common word took 10 ms (docs/performance.md, "Search"). Tried only when every word is
        common (`common`): a rare word's best matches are seldom among the newest. A page of 20 is
        found this way when 2 % of the newest purchases have every word in their name.

        PURCHASES is not searched yet (its other filters only): with the search's condition,
        the planner reads the trigram index for every match, which is what this avoids. Every
        word in the product name implies that condition (`exact`).
        """
        if not self.words or not self.common.issuperset(self.words):
            return None
        newest = Purchase.objects.order_by("-created_at").values_list("created_at", flat=True)
        # With fewer than NEWEST_READ purchases, all of them.
        since = next(iter(newest[NEWEST_READ - 1 : NEWEST_READ]), EARLIEST)
        keys = (
            purchases.filter(Q.create(self._in_name(), connector=Q.AND), created_at__gte=since)
            .order_by("-created_at", "-id")
            .values_list("pk", flat=True)
        )
        # Planned for the date, PostgreSQL reads the newest purchases by their index. A plan
        # that does not know it (a prepared statement's, or one with the date in a subquery)
        # expected a third of all purchases after it and, for two words, so few matches that
        # it read them all: 20 ms where the walk takes 0.5.
        with _planned_for_its_values():
            keys = list(keys[skip : skip + limit])
        return keys if len(keys) == limit else None


def purchases_matching(purchases, text: str | None):
    """Narrow the PURCHASES queryset to those that contain every word of TEXT (see above)."""
    search = Search(text)
    if not search.words:
        return purchases
    return purchases.filter(search.condition())


def purchases_searched_by(text: str | None):
    """All purchases that contain every word of TEXT (kernel.hooks.purchases_searched)."""
    return purchases_matching(Purchase.objects.all(), text)


def search_suggestions(text: str | None, limit: int) -> list[dict]:
    """Up to LIMIT names that contain every word of TEXT (a word also with a typo): brands and
    retailers first, then the product names of the best-matching purchases. Three queries."""
    search = Search(text)
    if not search.words:
        return []
    suggestions, seen = [], set()

    def add(kind: str, name: str) -> None:
        if (kind, name.casefold()) not in seen and search.catalog.matches_every_word(name):
            seen.add((kind, name.casefold()))
            suggestions.append({"kind": kind, "text": name})

    for kind, _, name in sorted(search.catalog.names, key=lambda row: row[2].casefold()):
        add(kind, name)
    names = search.ranked(Purchase.objects.all()).values_list("product_name", flat=True)
    for name in names[: limit * 4]:
        add("product", name)
    return suggestions[:limit]


def _in_search_text(word: str) -> Q:
    """The condition that WORD is in the purchase's search text."""
    if connection.vendor == "postgresql":
        return Q(InPostgresSearchText(word))
    # FTS5's query parser reads a phrase as a C string: a NUL or another control character
    # in it is an error, so such a word is looked for with LIKE.
    if len(word) >= FTS_SHORTEST_WORD and word.isprintable():
        return Q(InSqliteSearch(word))
    return Q(InSqliteSearch(word, like=True))


def _near_search_text(variants: list[str]) -> Expression:
    """The condition that one of VARIANTS (LIKE patterns) is in the purchase's search text."""
    if connection.vendor == "postgresql":
        return InPostgresSearchText(variants=variants)
    return InSqliteSearch("", variants=variants)


def _common_words(words: list[str]) -> set[str]:
    """Those of WORDS that COMMON_WORD purchases or more contain. One query: each word is
    counted up to COMMON_WORD, so that a common word costs no more than a rare one."""
    if connection.vendor == "postgresql":
        contains = "SELECT 1 FROM purchases_purchase WHERE search_text LIKE UPPER(%s)"
        params = [f"%{connection.ops.prep_for_like_query(word)}%" for word in words]
    else:
        table = SQLITE_SEARCH_TABLE
        contains = f"SELECT 1 FROM {table} WHERE {table} MATCH %s"
        params = ['"' + word.replace('"', '""') + '"' for word in words]
    counts = ", ".join(
        f"(SELECT COUNT(*) FROM ({contains} LIMIT {COMMON_WORD}) AS w)" for _ in words
    )
    with _planned_for_its_values(), connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}", params)
        row = cursor.fetchone()
    return {word for word, count in zip(words, row, strict=True) if count >= COMMON_WORD}


@contextmanager
def _planned_for_its_values():
    """PostgreSQL: the queries run inside are not prepared, so that each is planned for its
    LIKE patterns.

    The project prepares the statements a connection runs twice (settings: prepare_threshold),
    and PostgreSQL may then keep a plan that does not know the pattern. For a word's first
    matches (`LIMIT`, `EXISTS`), such a plan reads the table from the start, expecting matches
    there: right for a common word, 30 ms at 100,000 purchases for a word that none has.
    Planned for the pattern, a count takes under 0.3 ms either way. The planner also needs the
    trigram index's true cost, which a long list of pending entries hid (purchases/0021).
    """
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    driver = connection.connection
    threshold, driver.prepare_threshold = driver.prepare_threshold, None
    try:
        yield
    finally:
        driver.prepare_threshold = threshold


def _variants_found(variants: dict[str, list[str]]) -> dict[str, list[str]]:
    """For each word of VARIANTS, those of its variants (LIKE patterns) that some purchase
    contains. One query, an EXISTS (an index lookup) per variant; none when there is none.

    Apart from `_common_words`, which every search with such a word runs: planning thirty
    EXISTS took PostgreSQL 2 ms on every search, common words included, whose variants are
    never looked for.
    """
    patterns = [f"%{variant}%" for word_variants in variants.values() for variant in word_variants]
    if not patterns:
        return {word: [] for word in variants}
    if connection.vendor == "postgresql":
        exists = "EXISTS(SELECT 1 FROM purchases_purchase WHERE search_text LIKE UPPER(%s))"
    else:
        exists = f"EXISTS(SELECT 1 FROM {SQLITE_SEARCH_TABLE} WHERE document LIKE %s)"
    # Prepared, the variants of `bosch`, which no purchase has, took 550 ms at 100,000
    # purchases: every EXISTS read the table from the start (see `_planned_for_its_values`).
    with _planned_for_its_values(), connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join([exists] * len(patterns)), patterns)
        hits = iter(cursor.fetchone())
    return {
        word: [variant for variant in word_variants if next(hits)]
        for word, word_variants in variants.items()
    }


class InSqliteSearch(Expression):
    """SQLite: the purchase's rowid is among the search table's rows that contain WORD.

    With LIKE, WORD is a plain text found with LIKE (no index); with VARIANTS, any of those
    LIKE patterns (typos, see `typo_variants`). Rowids are the table's own integer keys: looking
    up 12,000 of them takes a third of the time of the same number of UUIDs. The purchases table
    is named by the alias it has in the query being compiled (a subquery renames it).
    """

    output_field = BooleanField()

    def __init__(self, word: str, like: bool = False, variants: list[str] | None = None):
        super().__init__()
        table = SQLITE_SEARCH_TABLE
        if variants is not None:
            self.sql = " UNION ".join(
                f"SELECT rowid FROM {table} WHERE document LIKE %s" for _ in variants
            )
            self.params = [f"%{variant}%" for variant in variants]
        elif like:
            self.sql = f"SELECT rowid FROM {table} WHERE document LIKE %s ESCAPE '\\'"
            self.params = [f"%{connection.ops.prep_for_like_query(word)}%"]
        else:
            self.sql = f"SELECT rowid FROM {table} WHERE {table} MATCH %s"
            self.params = ['"' + word.replace('"', '""') + '"']

    def as_sql(self, compiler, connection):
        if not self.params:
            return "0 = 1", []
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{table}.rowid IN ({self.sql})", list(self.params)


class InPostgresSearchText(Expression):
    """PostgreSQL: the purchase's stored, upper-cased search text contains WORD, or one of
    VARIANTS (LIKE patterns, typos: see `typo_variants`).

    `search_text` is a generated column the model does not know (migrations 0012, 0015). The
    pattern is upper-cased by the database, as the column is, so that both follow the same rules.
    """

    output_field = BooleanField()

    def __init__(self, word: str = "", variants: list[str] | None = None):
        super().__init__()
        if variants is None:
            self.patterns = [f"%{connection.ops.prep_for_like_query(word)}%"]
        else:
            self.patterns = [f"%{variant}%" for variant in variants]

    def as_sql(self, compiler, connection):
        if not self.patterns:
            return "1 = 0", []
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        one = f"{table}.search_text LIKE UPPER(%s)"
        return "(" + " OR ".join([one] * len(self.patterns)) + ")", list(self.patterns)
