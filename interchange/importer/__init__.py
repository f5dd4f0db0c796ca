"""The record importer (docs/api.md §6.5), in parts by kind of record.

`RecordImport` imports a file section by section, resolving the file's references: retailers
and brands (catalog.py), purchases (purchases.py), warranties (warranties.py), their claims
(claims.py), attachment records
and their blobs (files.py), settings (settings.py), manual exchange rates (rates.py), on the
state they share (base.py). The entry points that run it in one transaction are in
interchange/imports.py.
"""

from interchange.importer.claims import ClaimImport
from interchange.importer.files import FileImport
from interchange.importer.rates import RateImport
from interchange.importer.settings import SettingsImport


class RecordImport(ClaimImport, FileImport, SettingsImport, RateImport):
    """Imports records section by section (docs/api.md §6.5), resolving the file's references.

    `ids` maps each kind's ids as written in the file to the ids in the database (kept, new,
    or those of existing records a retailer or brand was merged into). Everything is written in
    batches of bulk inserts, inside the caller's transaction.
    """
