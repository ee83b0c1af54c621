"""N tickets in one queue in bulk (like our generate_cases), a staff user `bench` with an API token."""

import random

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.utils import timezone
from helpdesk.models import Queue, Ticket
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=0)

    def handle(self, *args, count, **options):
        user, _ = User.objects.get_or_create(
            username="bench", defaults={"is_staff": True, "is_superuser": True}
        )
        user.set_password("bench-pass-1")
        user.save()
        token, _ = Token.objects.get_or_create(user=user)
        queue, _ = Queue.objects.get_or_create(
            slug="bench", defaults={"title": "Bench", "allow_public_submission": True}
        )
        have = Ticket.objects.filter(queue=queue).count()
        rng, now, batch = random.Random(1), timezone.now(), []
        for i in range(have, count):
            batch.append(
                Ticket(
                    queue=queue,
                    title=f"申请 {i}",
                    description="生活困难",
                    submitter_email="a@example.org",
                    status=rng.choice([1, 1, 3, 4, 4, 4]),
                    priority=3,
                    created=now,
                    modified=now,
                )
            )
            if len(batch) == 5000:
                Ticket.objects.bulk_create(batch)
                batch = []
        Ticket.objects.bulk_create(batch)
        self.stdout.write(f"TOKEN={token.key} QUEUE={queue.pk} TICKETS={Ticket.objects.count()}")
