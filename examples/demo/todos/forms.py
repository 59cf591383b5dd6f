from django import forms

from todos.models import Todo


class TodoForm(forms.ModelForm):  # type: ignore[type-arg]
    title = forms.CharField(
        min_length=3,
        max_length=80,
        widget=forms.TextInput(attrs={"placeholder": "What needs doing?", "autocomplete": "off"}),
    )

    class Meta:
        model = Todo
        fields = ["title"]

    def clean_title(self) -> str:
        title: str = self.cleaned_data["title"].strip()
        if Todo.objects.filter(title__iexact=title, done=False).exists():
            raise forms.ValidationError("That is already on the list.")
        return title
