"""Every write to a case, one module per topic; each table action declared once in `registry`.

    intake    receive_case, intake_case            (收件, 一窗受理)
    window    accept, request_supplement, supplement, refuse, withdraw
    deadline  suspend, resume, extend, request_extension, decline_extension
    decision  approve, deny, escalate, complete, send_back
    delivery  deliver
    files     reveal_applicant, attach_scan, scan_for

The API, the pages and the demo call `registry.dispatch(name, user, case, body)`; Python callers may call
a declared action directly: `REGISTRY["accept"](user, number, version=3)`.
"""

from bianmin.cases.actions import deadline, decision, delivery, files, intake, window  # noqa: F401  (declares)
from bianmin.cases.actions.registry import (  # noqa: F401
    REGISTRY,
    available_actions,
    dispatch,
    event_label,
    label_of,
)
