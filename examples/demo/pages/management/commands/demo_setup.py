from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the demo user (demo/demo) if it does not exist."

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        if not User.objects.filter(username="demo").exists():
            User.objects.create_user("demo", password="demo")
            self.stdout.write("created user demo/demo")
