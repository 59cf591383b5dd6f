import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo.settings")

from tether.asgi import TetherASGI

application = TetherASGI(get_asgi_application())
