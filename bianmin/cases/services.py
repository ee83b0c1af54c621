"""The case services by their verb names, for Python callers (other apps, commands, tests).

Each is the one declaration in `bianmin/cases/actions/` — nothing is defined here. Table actions take
``(user, case_or_number, *, version=None, **input)`` and run through `actions.base.perform`.
"""

from bianmin.cases.actions.deadline import EXTENSION_STEPS, pending_extension_request  # noqa: F401
from bianmin.cases.actions.delivery import DELIVERY_METHODS  # noqa: F401
from bianmin.cases.actions.files import MAX_SCAN_BYTES, attach_scan, reveal_applicant, scan_for, sniff  # noqa: F401
from bianmin.cases.actions.intake import INTAKE_DECISIONS, intake_case, receive_case  # noqa: F401
from bianmin.cases.actions.registry import REGISTRY, available_actions, dispatch  # noqa: F401

accept_case = REGISTRY["accept"]
request_supplement = REGISTRY["request_supplement"]
supplement_case = REGISTRY["supplement"]
refuse_case = REGISTRY["refuse"]
withdraw_case = REGISTRY["withdraw"]
suspend_case = REGISTRY["suspend"]
resume_case = REGISTRY["resume"]
extend_case = REGISTRY["extend"]
request_extension = REGISTRY["request_extension"]
decline_extension = REGISTRY["decline_extension"]
approve_task = REGISTRY["approve"]
deny_task = REGISTRY["deny"]
escalate_case = REGISTRY["escalate"]
complete_case = REGISTRY["complete"]
deliver_case = REGISTRY["deliver"]
