from django.db import models


class Message(models.Model):
    """One chat message; the last 50 of a room load when the room opens."""

    room = models.CharField(max_length=64, db_index=True)
    author = models.CharField(max_length=150)
    body = models.TextField(max_length=2000)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


class Signup(models.Model):
    """What the live form page saves: a ModelForm that is also the view's state."""

    PLANS = [("free", "Free"), ("team", "Team"), ("pro", "Pro")]

    name = models.CharField(max_length=40)
    email = models.EmailField()
    plan = models.CharField(max_length=8, choices=PLANS, default="free")

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class Attachment(models.Model):
    """A file attached on the profile page; the FileField stores it in MEDIA_ROOT."""

    file = models.FileField(upload_to="attachments/")
    name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.name
