# --8<-- [start:imports]
import secrets
from typing import Any

from django.http import HttpRequest, QueryDict

from tether import LiveView, event
from tether.presence import PresenceList
from tether.validation import bind_form
from todos.forms import TodoForm
from todos.models import Todo

TOPIC = "todos"
# --8<-- [end:imports]


# --8<-- [start:mount]
class TodoList(LiveView):
    template_name = "todos/todos.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.page_title = "Todos"
        self.form = TodoForm()
        self.query = ""
        self.todos = await self.load()
        self.present = PresenceList(TOPIC)  # nobody, until the socket connects
        if self.connected:
            user = request.user
            name = user.get_username() if user.is_authenticated else f"guest-{secrets.token_hex(2)}"
            await self.subscribe(TOPIC)
            await self.track(TOPIC, name)
            # Who is here: Tether keeps it up to date from the topic's presence diffs,
            # one list per topic per process, shared by every open page.
            self.present = await self.presence_list(TOPIC)

    async def load(self) -> list[dict[str, Any]]:
        todos = Todo.objects.filter(title__icontains=self.query)
        return [{"id": t.pk, "title": t.title, "done": t.done} async for t in todos]

    # --8<-- [end:mount]
    # --8<-- [start:form]
    @event
    def validate(self, payload: QueryDict) -> None:
        # Bound like request.POST; errors show only for the fields the user has touched.
        self.form = bind_form(TodoForm, payload)

    @event
    def add(self, payload: QueryDict) -> None:
        form = bind_form(TodoForm, payload)  # a submit: every error shows
        if form.is_valid():
            form.save()
            self.form = TodoForm()
            self.broadcast(TOPIC, "changed")
        else:
            self.form = form

    # --8<-- [end:form]
    # --8<-- [start:rows]
    @event
    def toggle(self, payload: dict[str, str]) -> None:
        todo = Todo.objects.get(pk=payload["id"])
        todo.done = not todo.done
        todo.save(update_fields=["done"])
        self.broadcast(TOPIC, "changed")

    @event
    def delete(self, payload: dict[str, str]) -> None:
        Todo.objects.filter(pk=payload["id"]).delete()
        self.broadcast(TOPIC, "changed")

    # --8<-- [end:rows]
    # --8<-- [start:search]
    @event
    async def search(self, payload: QueryDict) -> None:
        self.query = payload.get("q", "").strip()
        self.todos = await self.load()

    # --8<-- [end:search]
    # --8<-- [start:info]
    async def handle_info(self, message: Any) -> None:
        if message == "changed":
            self.todos = await self.load()

    async def on_thaw(self) -> None:
        # Back from frozen state (a reconnect, a restart): who is here may have changed.
        if self.connected:
            self.present = await self.presence_list(TOPIC)

    # --8<-- [end:info]
