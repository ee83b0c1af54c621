"""Template helpers: the work orders about a case (its staff page) and the public 常见问题 of an item."""

from django import template

from bianmin.inquiries.models import Kind, WorkOrder
from bianmin.inquiries.selectors import orders_visible_to

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key, key)


@register.simple_tag(takes_context=True)
def orders_about_case(context, case):
    """Complaints and other orders about this case that the viewer may see (newest first, at most 20)."""
    user = context["request"].user
    return list(orders_visible_to(user).filter(case=case).order_by("-registered_at")[:20])


@register.simple_tag
def faq_for_item(code):
    return list(
        WorkOrder.objects.filter(faq_public=True, kind=Kind.CONSULT, item_code=code)
        .only("faq_question", "answer_text")
        .order_by("-answered_at")[:10]
    )
