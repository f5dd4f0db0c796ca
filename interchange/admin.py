"""The admin's import and export buttons on retailers, brands and purchases.

Catalog and purchases know nothing of imports: this app, above them, registers their admins
again with django-import-export's buttons and the resources of interchange/resources.py, so
the admin imports and exports through the same columns and importer as the API and the
commands. It runs after their admin modules (INSTALLED_APPS lists it after them).
"""

from django.contrib import admin
from import_export.admin import ExportActionMixin, ImportExportMixin

from catalog.admin import BrandAdmin, RetailerAdmin
from catalog.models import Brand, Retailer
from interchange.resources import BrandResource, PurchaseResource, RetailerResource
from purchases.admin import PurchaseAdmin
from purchases.models import Purchase


class RetailerImportExportAdmin(ImportExportMixin, ExportActionMixin, RetailerAdmin):
    resource_classes = [RetailerResource]


class BrandImportExportAdmin(ImportExportMixin, ExportActionMixin, BrandAdmin):
    resource_classes = [BrandResource]


class PurchaseImportExportAdmin(ImportExportMixin, ExportActionMixin, PurchaseAdmin):
    resource_classes = [PurchaseResource]


for model, model_admin in [
    (Retailer, RetailerImportExportAdmin),
    (Brand, BrandImportExportAdmin),
    (Purchase, PurchaseImportExportAdmin),
]:
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
