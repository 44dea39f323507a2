"""The lab's API router: the engagement core's routes, then each governance subdomain's
(below /api/v1/orgs/{org}/lab/).

The routes were in two modules, ``lab.api`` and ``lab.api_governance``, and ninja derives an
operation's id from its view's module. Clients generated from the published schema call
operations by those ids, so each subdomain's operations keep the id they had.
"""

from ninja import Router

from northline.lab.agreements.api import router as agreements
from northline.lab.budget.api import router as budget
from northline.lab.engagements.api import router as engagements
from northline.lab.experts.api import router as experts
from northline.lab.journey.api import router as journey
from northline.lab.sessions.api import router as sessions


def keep_operation_ids(subdomain: Router, module: str) -> Router:
    """Name the router's operations as ninja named them when their views lived in ``module``."""
    for path in subdomain.path_operations.values():
        for operation in path.operations:
            if operation.operation_id is None:
                name = f"{module}.{operation.view_func.__name__}"
                operation.operation_id = name.replace(".", "_")
    return subdomain


router = Router()
router.add_router("", keep_operation_ids(engagements, "northline.lab.api"))
# In the order the governance routes were declared, so that paths match in the same order.
for governance in (agreements, sessions, budget, experts, journey):
    router.add_router("", keep_operation_ids(governance, "northline.lab.api_governance"))
