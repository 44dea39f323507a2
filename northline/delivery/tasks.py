"""Background work of the delivery app, run by `northline worker` (inline in tests).

Each task is declared next to the work it runs (northline.delivery.notices, .webhooks), which
queues it once the transaction that called for it commits: this module imports them, and they
import no task module (no import cycle, DESIGN §5). The tasks are also reachable here, where
tasks queued by earlier versions name them.
"""

from __future__ import annotations

from northline.delivery.notices import deliver_notices
from northline.delivery.webhooks import retry_due_webhooks, send_webhook

__all__ = ["deliver_notices", "retry_due_webhooks", "send_webhook"]
