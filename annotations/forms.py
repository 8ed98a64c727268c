from django import forms


class AnnotationCreateForm(forms.Form):
    label = forms.TypedChoiceField(coerce=int, error_messages={"invalid_choice": "Unknown label."})
    start = forms.IntegerField(min_value=0)
    end = forms.IntegerField(min_value=1)
    quote = forms.CharField(strip=False, max_length=100_000)
    snap = forms.TypedChoiceField(
        choices=[("1", "yes"), ("0", "no")], coerce=lambda v: v == "1", required=False
    )

    def __init__(self, *args, labels, **kwargs):
        super().__init__(*args, **kwargs)
        self.labels = {label.pk: label for label in labels}
        self.fields["label"].choices = [(pk, label.name) for pk, label in self.labels.items()]

    def clean_label(self):
        return self.labels[self.cleaned_data["label"]]

    def clean_snap(self):
        return self.cleaned_data.get("snap") is not False

    def first_error(self) -> str:
        for field, errors in self.errors.items():
            return f"{field}: {errors[0]}" if field != "__all__" else errors[0]
        return "The request was not understood."


def attributes_from_post(schema: list[dict], data) -> dict:
    """Read attribute values from the editor form (``attr-<name>`` fields) by kind."""
    values = {}
    for item in schema:
        key = f"attr-{item['name']}"
        if item["kind"] == "multi":
            values[item["name"]] = data.getlist(key)
        elif item["kind"] == "bool":
            answer = data.get(key, "")
            # Anything but yes, no or empty goes on as it is, for the schema to refuse.
            values[item["name"]] = {"yes": True, "no": False, "": None}.get(answer, answer)
        else:
            values[item["name"]] = data.get(key, "")
    return values
