"""The one NinjaAPI instance, mounted at /api/; each app contributes its own router."""

from ninja import NinjaAPI

from analytics.api import router as analytics_router
from backups.api import router as backups_router
from catalog.api import router as catalog_router
from preferences.api import router as preferences_router
from purchases.api import router as purchases_router
from warranties.api import router as warranties_router

api = NinjaAPI(
    title="Spends Tracker API",
    version="1",
    description="Purchases, warranties, retailers, brands, attachments, analytics and backups.",
    urls_namespace="api",
)

api.add_router("/", catalog_router)
api.add_router("/", purchases_router)
api.add_router("/", warranties_router)
api.add_router("/", preferences_router)
api.add_router("/", analytics_router)
api.add_router("/", backups_router)
