"""The manual exchange rates of a version 3 file (docs/api.md §6.1)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from currencies.models import ExchangeRate
from currencies.services import manual_rate_clean
from interchange.importer.base import ImportBase, shown
from interchange.parsing import parse_date
from interchange.reports import ignored_because


class RateImport(ImportBase):
    """Adds the file's manual rates (and in update mode changes those that differ)."""

    def exchange_rates(self, records) -> None:
        """Add each manual rate the database lacks for its currency and day; in update mode,
        give those it has the file's value. A rate that does not pass the checks of the
        Settings page is skipped with a warning."""
        stored = {
            (rate.currency_code, rate.day): rate
            for rate in ExchangeRate.objects.filter(source=ExchangeRate.Source.MANUAL)
        }
        for index, record in enumerate(records, 1):
            label = gettext("exchange rate %(index)s") % {"index": index}
            if not isinstance(record, dict):
                self.report.warn(ignored_because(label, gettext("is not an object")))
                continue
            code = record.get("currency_code")
            try:
                day = parse_date(record.get("day"))
                key = (str(code or "").strip().upper(), day)
                code, day, per_euro = manual_rate_clean(
                    currency_code=code if isinstance(code, str) else None,
                    day=day,
                    per_euro=record.get("per_euro"),
                    changing=stored.get(key),
                )
            except (ValueError, ValidationError) as error:
                reason = "; ".join(getattr(error, "messages", None) or [str(error)])
                self.report.warn(ignored_because(label, shown(reason)))
                continue
            existing = stored.get((code, day))
            if existing is None:
                stored[(code, day)] = ExchangeRate.objects.create(
                    source=ExchangeRate.Source.MANUAL,
                    currency_code=code,
                    day=day,
                    per_euro=per_euro,
                )
                self.counts["exchange_rates_added"] += 1
            elif self.update and existing.per_euro != per_euro:
                existing.per_euro = per_euro
                existing.save(update_fields=["per_euro", "updated_at"])
                self.counts["exchange_rates_updated"] += 1
