"""The HTTP API v1 (shared/docs/API.md): one NinjaAPI, each app contributes its router."""

from django.conf import settings
from django.db import connection
from ninja import NinjaAPI, Schema

from bianmin.accounts.api import router as accounts_router
from bianmin.accounts.api import staff_router
from bianmin.calendar.api import router as calendar_router
from bianmin.cases.api import public_router as tracking_router
from bianmin.cases.api import router as cases_router
from bianmin.catalog.api import router as catalog_router
from bianmin.core import errors
from bianmin.duty.api import router as duty_router
from bianmin.hall.api import router as hall_router
from bianmin.inquiries.api import router as inquiries_router
from bianmin.messaging.api import router as messaging_router
from bianmin.proxy.api import router as proxy_router
from bianmin.ratings.api import public_router as rating_public_router
from bianmin.ratings.api import router as ratings_router
from bianmin.regions.api import router as regions_router
from bianmin.stats.api import router as stats_router
from bianmin.supervision.api import router as supervision_router

api = NinjaAPI(
    title="便民服务 Bianmin API",
    version="1",
    description="乡镇（街道）便民服务中心与村级便民服务站的办件接口。见 shared/docs/API.md。",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)


class Health(Schema):
    status: str
    database: str
    version: str


@api.get("/health", response=Health, tags=["system"], summary="服务与数据库状态")
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:  # noqa: BLE001 - health reports, never raises
        database = "error"
    return {
        "status": "ok" if database == "ok" else "degraded",
        "database": database,
        "version": settings.VERSION,
    }


api.add_router("/auth", accounts_router)
api.add_router("", regions_router)
api.add_router("", staff_router)
api.add_router("", calendar_router)
api.add_router("", catalog_router)
api.add_router("", cases_router)
api.add_router("", tracking_router)
api.add_router("", proxy_router)
api.add_router("", messaging_router)
api.add_router("", ratings_router)
api.add_router("", rating_public_router)
api.add_router("", inquiries_router)
api.add_router("", hall_router)
api.add_router("", supervision_router)
api.add_router("", duty_router)
api.add_router("", stats_router)
