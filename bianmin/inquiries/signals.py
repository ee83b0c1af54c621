"""What a work-order step tells the rest of the system: sent inside the step's transaction, after its event.

Messages and staff notices subscribe here (bianmin/inquiries/notices.py); the steps never call them."""

from django.dispatch import Signal

# sender=WorkOrder, order=…, action="register"|"dispatch"|…, actor=user|None, event=OrderEvent
order_acted = Signal()
