from django import forms
from django.conf import settings

from annotations import access, codebooks
from annotations.models import Category, Codebook, Project
from newsdesk.forms import MultipleFileField, MultipleFileInput


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


class TagImportForm(forms.Form):
    """Files of tags made elsewhere, and how to map them onto this Newsdesk."""

    files = MultipleFileField(
        label="Files",
        help_text="A brat zip, .ann files with their .txt, .jsonl, or W3C .json/.jsonld.",
        widget=MultipleFileInput(attrs={"accept": ".zip,.ann,.txt,.jsonl,.json,.jsonld"}),
    )
    codebook = forms.ModelChoiceField(queryset=Codebook.objects.all(), empty_label=None)
    create_labels = forms.ChoiceField(
        label="Labels not in the codebook",
        choices=[("", "Refuse the file and list them")]
        + [(value, f"Create them as {name.lower()} labels") for value, name in Category.choices],
        required=False,
    )
    article = forms.IntegerField(
        label="Article number (W3C files)",
        required=False,
        min_value=1,
        help_text="For W3C annotations whose target is not an article here: the number in the "
        "article's address, /articles/<number>/.",
    )
    folder_annotators = forms.BooleanField(
        label="Folders name the annotators",
        required=False,
        help_text="For a zip laid out <annotator>/<article>.ann, as Newsdesk's brat export is. "
        "Leave it off for collections whose folders name a language or a batch.",
    )

    project = forms.ModelChoiceField(
        queryset=Project.objects.none(),
        required=False,
        empty_label="None",
        label="Into the project",
        help_text="The articles join the project and the tags go in under its codebook.",
    )
    create_members = forms.BooleanField(
        label="Make the coders members",
        required=False,
        help_text="Coders the files name (brat folders, the annotator field) who are not "
        "members of the project join it as annotators; an account is made for a name that "
        "has none. Otherwise such a file is refused.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["codebook"].initial = codebooks.default_codebook()
        self.fields["project"].queryset = access.projects_for(user).select_related("codebook")
        if not access.may_change_codebooks(user):
            # Labels go into a codebook only through staff: an annotator's unknown labels
            # refuse the file, whatever the request says.
            del self.fields["create_labels"]

    def clean(self):
        data = super().clean()
        data.setdefault("create_labels", "")
        project = data.get("project")
        if project is not None:
            data["codebook"] = project.codebook
        if data.get("create_members") and not (
            project is not None and access.may_manage(self.user, project)
        ):
            self.add_error(
                "create_members", "Only a manager of the project you import into adds members."
            )
        return data

    def clean_files(self):
        files = self.cleaned_data["files"]
        if not files:
            raise forms.ValidationError("Choose at least one file.")
        if len(files) > settings.NEWSDESK_MAX_UPLOAD_FILES:
            raise forms.ValidationError(
                f"That is {len(files)} files; import at most "
                f"{settings.NEWSDESK_MAX_UPLOAD_FILES} at a time (or one zip)."
            )
        return files

    def clean_article(self):
        number = self.cleaned_data["article"]
        if number is None:
            return None
        article = access.articles_for(self.user).filter(pk=number).first()
        if article is None:
            raise forms.ValidationError(f"There is no article number {number}.")
        return article
