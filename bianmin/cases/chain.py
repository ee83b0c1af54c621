"""The timeline's hash chain: pure functions, so the model, the data migration and the verifier agree.

An event's hash covers its content and the hash before it on the same case; a county's daily anchor covers
every case's head hash and the anchor before it. Changing, removing or reordering a row changes a hash
that a later row (or anchor) still remembers.
"""

import hashlib
import json
from datetime import UTC, datetime

GENESIS = "0" * 64

# The fields an event's hash covers, in this order; `case` is the case id, `actor` the actor's id.
EVENT_FIELDS = (
    "case",
    "at",
    "actor",
    "actor_name",
    "role",
    "action",
    "from_state",
    "to_state",
    "note",
    "data",
)


def _canonical_at(at: datetime) -> str:
    # The same instant reads back in UTC from either database; naive values are taken as UTC.
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _canonical_data(data) -> str:
    # Through JSON once first: what the JSON column gives back (string keys, lists) is what gets hashed.
    plain = json.loads(json.dumps(data if data is not None else {}))
    return json.dumps(plain, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def event_digest(
    *, case, at, actor, actor_name, role, action, from_state, to_state, note, data, prev_hash
) -> str:
    """SHA-256 (hex) of one event's canonical serialization followed by the previous hash."""
    body = json.dumps(
        [
            int(case),
            _canonical_at(at),
            None if actor is None else int(actor),
            actor_name or "",
            role or "",
            action or "",
            from_state or "",
            to_state or "",
            note or "",
            _canonical_data(data),
            prev_hash or GENESIS,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def anchor_digest(*, county: str, day, heads, prev_hash: str) -> str:
    """SHA-256 of a county's day: the previous anchor, then `case_id:head_hash` for every case, by case id."""
    digest = hashlib.sha256(f"{prev_hash or GENESIS}\n{county}\n{day.isoformat()}\n".encode())
    for case_id, head in sorted(heads):
        digest.update(f"{case_id}:{head}\n".encode())
    return digest.hexdigest()
