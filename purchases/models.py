import datetime
from functools import cached_property

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kernel import clock
from kernel.links import validate_web_link
from kernel.models import AuthoredModel, TimeStampedModel, VersionedModel, VersionedQuerySet
from kernel.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS, MONEY_QUANTUM
from preferences.selectors import preferred_currency_code
from warranties.models import Warranty, primary_warranty_of
from warranties.selectors import warranties_with_claims


def default_currency_code() -> str:
    """Return the preferred currency (docs/api.md §9.7), read when a new purchase is made."""
    return preferred_currency_code()


class PurchaseStatus(models.TextChoices):
    ORDERED = "ORDERED", pgettext_lazy("purchase", "Ordered")
    RECEIVED = "RECEIVED", pgettext_lazy("purchase", "Received")


class PurchaseQuerySet(VersionedQuerySet):
    def with_details(self, *, claims: bool = True):
        """Load what a purchase object of the API shows: two queries for any page size, and two
        more when any of its warranties has claims.

        Retailer, brand and the people who added and changed it are joined; all warranties
        (with the same people, ordered by end date) are prefetched into `warranty_list`, from
        which `primary_warranty` and each warranty's status are read in Python, and their
        claims with their documents (`warranties.selectors.warranties_with_claims`; CLAIMS
        false leaves them out, for pages that do not show them).
        (Annotating the primary warranty with subqueries cost more to build and run than the
        whole page.)
        """
        warranties = Warranty.objects.select_related("created_by", "updated_by").order_by(
            "warranty_end", "created_at", "id"
        )
        if claims:
            warranties = warranties_with_claims(warranties)
        return self.select_related(
            "retailer", "brand", "created_by", "updated_by"
        ).prefetch_related(Prefetch("warranties", queryset=warranties, to_attr="warranty_list"))

    def primary_warranty_in(self, warranties):
        """Keep the purchases whose primary warranty is among WARRANTIES (a queryset)."""
        primary = Warranty.objects.primary_of_outer_purchase()
        return self.alias(primary_warranty_id=Subquery(primary.values("id"))).filter(
            primary_warranty_id__in=warranties.values("id")
        )

    def without_warranty(self):
        return self.exclude(Exists(Warranty.objects.filter(purchase=OuterRef("pk"))))

    def with_primary_warranty(self, today: datetime.date | None = None):
        """Annotate the primary warranty's id, end date and effective status.

        For the admin's sortable columns and the CSV export; pages and the API read
        `primary_warranty` from `with_details()` instead.
        """
        primary = Warranty.objects.with_status(today).primary_of_outer_purchase()
        return self.annotate(
            primary_warranty_id=Subquery(primary.values("id")),
            primary_warranty_end=Subquery(primary.values("warranty_end")),
            primary_warranty_status=Subquery(primary.values("effective_status")),
        )


class RateSource(models.TextChoices):
    """Where a purchase's exchange rate came from (currencies.selectors.Rate.source)."""

    SAME = "SAME", _("same currency")
    ECB = "ECB", _("ECB reference rate")
    MANUAL = "MANUAL", _("manual rate")


def tag_names_of(tags: str | None) -> list[str]:
    """Split comma-separated TAGS into names, trimmed, without empty or repeated ones."""
    names: list[str] = []
    for name in (tags or "").split(","):
        name = name.strip()
        if name and name.lower() not in (known.lower() for known in names):
            names.append(name)
    return names


class Purchase(AuthoredModel, VersionedModel):
    """Something bought: what, where, from whom, when and for how much.

    `price` is the line total (the amount paid), not a unit price: totals sum it as it is.
    """

    product_name = models.CharField(max_length=255)
    price = models.DecimalField(
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        validators=[MinValueValidator(MONEY_QUANTUM)],
        help_text="What was paid in total, in the purchase's currency.",
    )
    currency_code = models.CharField(
        "currency",
        max_length=3,
        default=default_currency_code,
        validators=[RegexValidator(r"^[A-Z]{3}$", "Use a three-letter code such as USD or EUR.")],
    )
    retailer = models.ForeignKey(
        "catalog.Retailer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="purchases",
    )
    brand = models.ForeignKey(
        "catalog.Brand",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="purchases",
    )
    status = models.CharField(
        max_length=8, choices=PurchaseStatus.choices, default=PurchaseStatus.RECEIVED
    )
    purchase_date = models.DateField(default=clock.today)
    notes = models.TextField(null=True, blank=True)
    tax_deductible = models.BooleanField(default=False)
    model_number = models.CharField(max_length=100, null=True, blank=True)
    serial_number = models.CharField(max_length=100, null=True, blank=True)
    retailer_order_number = models.CharField("order number", max_length=100, null=True, blank=True)
    quantity = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    link = models.CharField(max_length=500, null=True, blank=True, validators=[validate_web_link])
    return_deadline = models.DateField(null=True, blank=True)
    return_policy = models.CharField(max_length=200, null=True, blank=True)
    tags = models.CharField(
        max_length=255, null=True, blank=True, help_text="Comma-separated, e.g. laptop,work."
    )
    # The price in the household's base currency, converted once at the rate kept beside it, so
    # that past totals do not move when new rates arrive (docs/currencies.md). BASE_PRICE is null
    # when no usable rate was found: such a purchase is counted and flagged, never left out.
    base_price = models.DecimalField(
        max_digits=18, decimal_places=3, null=True, blank=True, editable=False
    )
    base_currency_code = models.CharField(max_length=3, blank=True, editable=False)
    exchange_rate = models.DecimalField(
        max_digits=30,
        decimal_places=12,
        null=True,
        blank=True,
        editable=False,
        help_text="Units of the base currency per unit of the purchase's currency.",
    )
    rate_day = models.DateField(null=True, blank=True, editable=False)
    rate_source = models.CharField(
        max_length=6, choices=RateSource.choices, blank=True, editable=False
    )

    objects = PurchaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price__gt=0),
                name="purchases_purchase_price_positive",
                violation_error_message="The price must be more than zero.",
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1),
                name="purchases_purchase_quantity_at_least_one",
                violation_error_message="The quantity must be at least 1.",
            ),
        ]
        indexes = [
            # A range of purchase dates, newest first (the lists' filter and order): the page is
            # read from this index alone. SQLite looked up every purchase of the range in the
            # table for its creation time, 2.3 ms for two months at 100,000; 0.2 ms from it.
            models.Index(
                fields=["purchase_date", "-created_at", "-id"], name="purchase_date_newest_idx"
            ),
            models.Index(fields=["status"], name="purchase_status_idx"),
            # The household's distinct tag strings, one probe each (purchases.selectors
            # tag_suggestions): a few dozen, where reading every purchase took 23 ms at 100,000.
            models.Index(fields=["tags"], name="purchase_tags_idx"),
            # Upcoming return deadlines (reminders, the dashboard): few purchases have one, so
            # the partial index stays small and costs imports little.
            models.Index(
                fields=["return_deadline"],
                condition=Q(return_deadline__isnull=False),
                name="purchase_return_deadline_idx",
            ),
            # A retailer's or a brand's purchases, newest first (the lists' default order): the
            # first page is the first rows of these. Without them both databases walked the
            # newest purchases of every retailer (SQLite 4.4 ms for a page at 100,000).
            models.Index(
                fields=["retailer", "-created_at", "-id"], name="purchase_retailer_newest_idx"
            ),
            models.Index(fields=["brand", "-created_at", "-id"], name="purchase_brand_newest_idx"),
            # The inventory counts the purchases without a rate on every visit: few have none,
            # so the count reads this small index instead of every purchase.
            models.Index(
                fields=["id"],
                condition=Q(base_price__isnull=True),
                name="purchase_without_rate_idx",
            ),
            # Analytics group one currency's purchases by month, retailer, brand or product
            # and sum their prices: with the price included (PostgreSQL), each is answered from
            # an index alone.
            models.Index(
                fields=["currency_code", "purchase_date"],
                include=["price"],
                name="purchase_currency_date_idx",
            ),
            models.Index(
                fields=["currency_code", "retailer"],
                include=["price"],
                name="purchase_currency_retailer_idx",
            ),
            models.Index(
                fields=["currency_code", "brand"],
                include=["price"],
                name="purchase_currency_brand_idx",
            ),
            models.Index(
                fields=["currency_code", "-price", "-purchase_date", "id"],
                name="purchase_currency_price_idx",
            ),
            models.Index(
                fields=["currency_code", "product_name"],
                include=["price"],
                name="purchase_currency_product_idx",
            ),
        ]
        # The case-insensitive product-name search index is PostgreSQL-only (trigram GIN) and is
        # created by a migration: see purchases/migrations/0002_product_name_trigram_index.py.

    def __str__(self):
        return self.product_name

    @property
    def tag_names(self) -> list[str]:
        """The tags one by one ("tv,living room" → ["tv", "living room"]), for chips."""
        return tag_names_of(self.tags)

    @cached_property
    def primary_warranty(self) -> Warranty | None:
        """The primary warranty among the prefetched ones (needs `with_details()`).

        Read by three fields of the API's purchase object: picked once per purchase.
        """
        return primary_warranty_of(self.warranty_list)

    def clean(self):
        super().clean()
        if self.purchase_date and self.purchase_date > clock.today():
            raise ValidationError(
                {"purchase_date": gettext("The purchase date cannot be in the future.")}
            )


class FileType(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    MANUAL = "manual", _("Manual")
    PHOTO = "photo", _("Photo")
    WARRANTY = "warranty", _("Warranty document")
    OTHER = "other", pgettext_lazy("file type", "Other")


class Blob(TimeStampedModel):
    """One stored file content, named by its SHA-256 and shared by every attachment with it.

    The file lives in the `default` storage at `blob.name` (`<h[0:2]>/<h[2:4]>/<h><ext>`, the
    layout of legacy `uploads/` trees). `reference_count` is the number of attachments pointing
    here; it is changed in the same transaction as those rows, and the file is deleted only after
    the transaction that dropped the last reference commits (`purchases.attachments`).
    """

    sha256 = models.CharField(max_length=64, unique=True)
    extension = models.CharField(
        max_length=32, blank=True, help_text="Of the first upload of this content, with the dot."
    )
    size = models.PositiveBigIntegerField()
    reference_count = models.PositiveIntegerField(default=0)
    missing = models.BooleanField(
        default=False, help_text="The storage check found no file for it: the content is lost."
    )

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return blob_name(self.sha256, self.extension)


def blob_name(sha256: str, extension: str) -> str:
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}{extension}"


class Attachment(VersionedModel):
    """A receipt, manual, photo or document kept with a purchase.

    Attachments go through `purchases.services.attachments_delete`, which keeps the blobs'
    reference counts right; the services that delete purchases (`purchases_delete`, for the API,
    the admin and the pages) call it before the cascade, so no path leaks a blob. Deleting rows
    through the ORM directly releases nothing; the restore alone deletes them that way, on
    purpose, since it keeps every file (`backups.restores.restore_archive`).
    """

    purchase = models.ForeignKey(Purchase, on_delete=models.CASCADE, related_name="attachments")
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="attachments")
    file_type = models.CharField(max_length=8, choices=FileType.choices, default=FileType.OTHER)
    filename = models.CharField(max_length=255)
    mime_type = models.CharField(max_length=255, default="application/octet-stream")
    # A document of a warranty claim of this purchase (docs/claims.md §2): deleting the claim
    # keeps the file with the purchase and only unlinks it.
    claim = models.ForeignKey(
        "warranties.Claim",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        help_text="The warranty claim this document belongs to, if any.",
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["purchase", "blob"], name="purchases_attachment_one_per_content"
            ),
        ]

    def __str__(self):
        return self.filename


class SpendingDimension(models.TextChoices):
    DAY = "day", "Day of purchase"
    RETAILER = "retailer", "Retailer"
    BRAND = "brand", "Brand"
    PRODUCT = "product", "Product name"
    # Every currency together (currency and base codes empty): the most-bought products of all
    # currencies are the first rows of an index, as those of one currency are (analytics).
    NAME = "name", "Product name, every currency"
    # One row per currency and base, key empty: what the summaries per currency add up, read in a
    # few rows where summing the day rows took 9 to 15 ms at 100,000 purchases.
    CURRENCY = "currency", "Every purchase"


class SpendingRollup(models.Model):
    """Purchases counted and summed per currency, base currency and one dimension
    (purchases.rollups).

    KEY is the day (ISO date), the retailer's or brand's id, the product name, or empty (the
    currency's every purchase). BASE_CURRENCY_CODE
    is the base the purchases' `base_price` is in (one value while the household keeps its base; two
    for a while after it changes, until the purchases are converted again). Kept in step by the
    write services; never edited by hand.
    """

    currency_code = models.CharField(max_length=3)
    base_currency_code = models.CharField(max_length=3, blank=True, default="")
    dimension = models.CharField(max_length=8, choices=SpendingDimension.choices)
    key = models.CharField(max_length=255)
    purchase_count = models.IntegerField(default=0)
    tax_deductible_count = models.IntegerField(default=0)
    # Whole hundredths (cents) add up exactly on both databases; SQLite adds decimals as floats.
    total_units = models.BigIntegerField(default=0)
    # The sum of `base_price` in thousandths (a base such as KWD has three decimals), exact too.
    base_units = models.BigIntegerField(default=0)
    # The purchases without a `base_price` (no usable rate): counted, never added.
    unconverted_count = models.IntegerField(default=0)

    class Meta:
        # The dimension comes first: every figure reads one dimension. The key next: figures in the
        # base read a range of days or a few product names of every currency; those of one
        # currency have the index below.
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "key", "currency_code", "base_currency_code"],
                name="spending_rollup_unique_key",
            ),
        ]
        indexes = [
            # The most-bought products: the first rows of one currency's product dimension.
            models.Index(
                fields=["dimension", "currency_code", "-purchase_count", "key"],
                name="spending_rollup_count_idx",
            ),
        ]

    def __str__(self):
        return f"{self.currency_code} {self.dimension} {self.key}"
