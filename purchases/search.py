"""Finding purchases by words, for the inventory, the API and the admin alike.

Every word of a search must be found, case-insensitively and anywhere in a word, in one of the
purchase's own text columns (`SEARCH_COLUMNS`) or in its retailer's or brand's name: `bosch dish`
finds "Serie 6 dishwasher" by Bosch.

How it stays fast at 100,000 purchases on PostgreSQL: the database keeps the purchase's columns
joined into one upper-cased text in a stored generated column, `search_text` (migration 0012),
and one trigram GIN index on it answers each word's `LIKE '%WORD%'`, whatever column the word is
in (and the AND of several words in one index scan). Retailers and brands are few: their matching
ids are looked up first (one query for all words), so that every branch of a word's OR is an
indexed condition on the purchases table and PostgreSQL combines bitmap index scans instead of
reading every purchase. The planner's estimate of how many purchases match comes from the
statistics it keeps on the column, so a rare word is read through the index and a common one by
walking the newest purchases, which finds a page of them after a few dozen rows.

SQLite has no trigram index type, and evaluating the joined text for 100,000 purchases takes it
70 ms. There, migration 0011 keeps the same text in an FTS5 table with the trigram tokenizer
(`purchases_search`, one row per purchase under its rowid), filled by triggers on the
purchases table so that every way of writing purchases (services, imports, the admin) keeps it
current; a word of three or more characters is looked up there (`MATCH`, case-insensitive), a
shorter one in the joined text (`search_document`). A migration that makes Django rebuild the
purchases table on SQLite drops the triggers: a test checks that they are there after all
migrations.

Both copies join the columns of SEARCH_COLUMNS in this order, as `search_document` does; a
migration that changes one changes all three, and tests check on each database that a search
reads its index.
"""

from django.db import connection
from django.db.models import BooleanField, Expression, Func, Q, TextField, Value

from catalog.models import Brand, Retailer

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


class JoinedText(Func):
    """Its arguments joined by spaces as one text, an absent (NULL) one counting as empty.

    Written as one SQL template rather than Django's Concat, whose nested pairs cost more to
    build and compile than the rest of a search request; `||` keeps the expression immutable,
    as PostgreSQL requires of an indexed one.
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
    """The purchase's own searchable columns joined into one text."""
    return JoinedText(*SEARCH_COLUMNS)


def search_words(text: str | None) -> list[str]:
    """The distinct words of TEXT, in order, at most MAX_WORDS of them."""
    words = []
    for word in (text or "").split():
        if word.casefold() not in (seen.casefold() for seen in words):
            words.append(word)
    return words[:MAX_WORDS]


def _catalog_ids_by_word(words: list[str]) -> dict[str, dict[str, list]]:
    """For each word, the ids of the retailers and of the brands whose name contains it.

    One query for all words and both kinds.
    """
    matches_a_word = Q.create([("name__icontains", word) for word in words], connector=Q.OR)
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
    found = {word: {"retailer": [], "brand": []} for word in words}
    for kind, entry_id, name in rows:
        for word in words:
            if word.casefold() in name.casefold():
                found[word][kind].append(entry_id)
    return found


def purchases_matching(purchases, text: str | None):
    """Narrow the PURCHASES queryset to those that contain every word of TEXT (see above)."""
    words = search_words(text)
    if not words:
        return purchases
    catalog = _catalog_ids_by_word(words)
    purchases = purchases.alias(search_document=search_document())
    for word in words:
        purchases = purchases.filter(
            _in_own_text(word)
            | Q(retailer_id__in=catalog[word]["retailer"])
            | Q(brand_id__in=catalog[word]["brand"])
        )
    return purchases


# The trigram tokenizer indexes runs of three characters: shorter words cannot use its index.
FTS_SHORTEST_WORD = 3


def _in_own_text(word: str) -> Q:
    """The condition that WORD is in the purchase's own searchable text."""
    if connection.vendor == "postgresql":
        return Q(InPostgresSearchText(word))
    # FTS5's query parser reads a phrase as a C string: a NUL or another control character
    # in it is an error, so such a word is looked for in the joined text.
    if len(word) >= FTS_SHORTEST_WORD and word.isprintable():
        return Q(InSqliteSearch(word))
    return Q(search_document__icontains=word)


class InSqliteSearch(Expression):
    """SQLite: the purchase's rowid is among the search table's rows that contain WORD.

    Rowids are the table's own integer keys: looking up 12,000 of them takes a third of the time
    of the same number of UUIDs. The purchases table is named by the alias it has in the query
    being compiled (a subquery renames it).
    """

    output_field = BooleanField()

    def __init__(self, word: str):
        super().__init__()
        self.phrase = '"' + word.replace('"', '""') + '"'

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return (
            f"{table}.rowid IN (SELECT rowid FROM {SQLITE_SEARCH_TABLE} "
            f"WHERE {SQLITE_SEARCH_TABLE} MATCH %s)",
            [self.phrase],
        )


class InPostgresSearchText(Expression):
    """PostgreSQL: the purchase's stored, upper-cased search text contains WORD.

    `search_text` is a generated column the model does not know (migration 0012). The pattern
    is upper-cased by the database, as the column is, so that both follow the same rules.
    """

    output_field = BooleanField()

    def __init__(self, word: str):
        super().__init__()
        self.pattern = f"%{connection.ops.prep_for_like_query(word)}%"

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{table}.search_text LIKE UPPER(%s)", [self.pattern]
