"""Where a case is now and who holds it, read without extra queries from rows the caller selected.

Every case shows its holder, so custody lives with the case; the proxy service moves it at each hand-off
and registers its rules (papers at the township, result back with the agent) as action guards.

A proxy case registered by an agent and never handed over has no Custody row: it is with that agent in
the village. A case at the township that was escalated is, on paper, with the county department.
"""

from bianmin.cases.models import Case, Channel, Custody, Location, State
from bianmin.core import clock

# What a caller must select_related for custody_of() to run without queries.
CUSTODY_RELATED = ("custody", "submitted_by", "escalated_to")


def custody_row(case: Case) -> Custody | None:
    try:
        return case.custody
    except Custody.DoesNotExist:
        return None


def custody_of(case: Case) -> dict:
    """{"location", "location_label", "holder"} for any case, proxy or not."""
    row = custody_row(case)
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
    row = custody_row(case)
    if row is None:
        return case.channel == Channel.PROXY and case.village_id and case.submitted_by_id == user.pk
    return row.location == Location.VILLAGE and row.holder_user_id == user.pk


def papers_at_township(case: Case) -> bool:
    """Whether a proxy case's papers have been signed for at the township (an up-handover received)."""
    return case.channel != Channel.PROXY or custody_of(case)["location"] == Location.TOWNSHIP


def holders(case: Case, events) -> list[str]:
    """Everyone who held a proxy case's papers, in order, read from its timeline (hand-offs only)."""
    chain: list[str] = []

    def add(label: str) -> None:
        if label and (not chain or chain[-1] != label):
            chain.append(label)

    for event in events:
        data = event.data or {}
        if event.action == "receive" and case.village_id:
            add(f"{event.actor_name}（代办员）")
        elif event.action in ("handover_up", "handover_down"):
            add("在途")
        elif event.action == "handover_receive":
            add(data.get("to", "") if data.get("direction") == "up" else f"{data.get('to', '')}（代办员）")
        elif event.action == "escalate" and case.escalated_to_id:
            add(case.escalated_to.name)
        elif (
            event.action == "complete"
            and chain
            and case.escalated_to_id
            and chain[-1] == case.escalated_to.name
        ):
            add(case.center.name)
        elif event.action == "deliver":
            receiver = data.get("receiver", "")
            add(f"村民{receiver}" if data.get("method") == "proxy" else f"申请人{receiver}（窗口领取）")
    return chain


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
    # The case row keeps the same answer for the queues; the caller may save the case again later.
    case.holder_kind = location
    Case.objects.filter(pk=case.pk).update(holder_kind=location)
    return row
