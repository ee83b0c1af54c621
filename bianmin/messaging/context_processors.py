"""The notice bell's unread count on every staff page: one COUNT, run only if the page shows the bell."""


def notices(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def unread() -> int:
        from bianmin.messaging.models import Notice

        return Notice.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()

    return {"unread_notices": unread}
