"""What the proxy service tells other apps, without calling them: Django signals sent by proxy.services.

`handover_sent(sender=Handover, handover=…, cases=[…])` — a handover (up or down) was just created, inside
its transaction: a receiver's writes commit or roll back with it."""

from django.dispatch import Signal

handover_sent = Signal()
