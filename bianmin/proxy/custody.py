"""Where a case is now and who holds it, read without extra queries from rows the caller selected.

A proxy case registered by an agent and never handed over has no Custody row: it is with that agent in
the village. A case at the township that was escalated is, on paper, with the county department.
"""

from bianmin.cases.models import Case, Channel, State
from bianmin.core import clock
from bianmin.core.errors import Conflict
from bianmin.proxy.models import Custody, Location

# What a caller must select_related for custody_of() to run without queries.
CUSTODY_RELATED = ("custody", "submitted_by", "escalated_to")


def _stored(case: Case) -> Custody | None:
    try:
        return case.custody
    except Custody.DoesNotExist:
        return None


def custody_of(case: Case) -> dict:
    """{"location", "location_label", "holder"} for any case, proxy or not."""
    row = _stored(case)
    if row is None:
        if case.channel == Channel.PROXY and case.village_id:
            location, holder = Location.VILLAGE, case.submitted_by.display_name
        else:
            location, holder = Location.TOWNSHIP, case.center.name
    else:
        location, holder = row.location, row.holder_label
    county_stage = case.state == State.ESCALATED or (
        case.state == State.SUSPENDED and case.resume_to == State.ESCALATED
    )
    if location == Location.TOWNSHIP and county_stage and case.escalated_to_id:
        location, holder = Location.COUNTY, case.escalated_to.name
    return {"location": location, "location_label": Location(location).label, "holder": holder}


def agent_holds(user, case: Case) -> bool:
    row = _stored(case)
    if row is None:
        return case.channel == Channel.PROXY and case.village_id and case.submitted_by_id == user.pk
    return row.location == Location.VILLAGE and row.holder_user_id == user.pk


def ensure_agent_holds(user, case: Case) -> None:
    """An agent delivers only a result that came back down to them (cases.services.deliver_case asks)."""
    row = _stored(case)
    if row is None or row.location != Location.VILLAGE or row.holder_user_id != user.pk:
        raise Conflict("办理结果尚未交回代办员，不能送达", code="result_not_back")


def move(case: Case, location: str, *, user=None, center=None, label: str) -> Custody:
    """Record the new holder; called inside the hand-off's transaction, with the case row locked."""
    row, _ = Custody.objects.update_or_create(
        case=case,
        defaults={
            "location": location,
            "holder_user": user,
            "holder_center": center,
            "holder_label": label[:120],
            "updated_at": clock.now(),
        },
    )
    case.custody = row
    return row
