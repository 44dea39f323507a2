"""API routes of insights (DESIGN §2.8): the index with its components and drill-down and the
snapshots, the alignment map and its exports, pulse surveys and answers, and the reports.
Each area keeps its routes in its own module; this router mounts them."""

from ninja import Router

from northline.insights.index.api import router as index_router
from northline.insights.map.api import router as map_router
from northline.insights.reports.api import router as reports_router
from northline.insights.surveys.api import router as surveys_router

router = Router(tags=["insights"])
router.add_router("", index_router)
router.add_router("", map_router)
router.add_router("", surveys_router)
router.add_router("", reports_router)
