from django.db import models


class Todo(models.Model):
    title = models.CharField(max_length=80)
    done = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return self.title
