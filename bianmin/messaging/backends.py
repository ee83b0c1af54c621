"""Where a message goes: `BIANMIN_SMS_BACKEND` names the backend (API.md "Messages and the SMS gateway").

A backend's `send(message)` hands one message over and returns; raising `Permanent` fails the message
for good, any other exception leaves it to be retried. `records_only` backends send nothing, so claiming a
message and marking it sent are one step.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class Permanent(Exception):
    """The gateway refused the message for good (a 4xx): no retry."""


class OutboxBackend:
    """The default: the row is the record, nothing leaves the machine."""

    records_only = True

    def send(self, message) -> None:
        return None


BACKENDS = {"outbox": OutboxBackend}


def get_backend():
    name = settings.SMS_BACKEND
    try:
        return BACKENDS[name]()
    except KeyError:
        raise ImproperlyConfigured(
            f"BIANMIN_SMS_BACKEND={name!r}: known backends are {sorted(BACKENDS)}"
        ) from None
