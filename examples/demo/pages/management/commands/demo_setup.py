from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the demo users if they do not exist: demo/demo, and staff/staff (the dashboard)."

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        if not User.objects.filter(username="demo").exists():
            User.objects.create_user("demo", password="demo")
            self.stdout.write("created user demo/demo")
        if not User.objects.filter(username="staff").exists():
            User.objects.create_user("staff", password="staff", is_staff=True)
            self.stdout.write("created user staff/staff, who may open /tether/dashboard/")
