from django.urls import path

from todos.views import TodoList

urlpatterns = [
    path("", TodoList.as_view(), name="todos"),
]
