"""The forms of the project pages (issue 12): members, articles, assignments."""

from django import forms
from django.contrib.auth import get_user_model

from annotations.models import ProjectMember
from newsdesk.models import Article


class MemberAddForm(forms.Form):
    username = forms.CharField(label="User name", max_length=150)
    role = forms.ChoiceField(choices=ProjectMember.Role.choices, initial="annotator")

    def clean_username(self):
        name = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username=name).first()
        if user is None:
            raise forms.ValidationError(f"There is no user named “{name}”.")
        return user


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=ProjectMember.Role.choices)


class ArticlesAddForm(forms.Form):
    articles = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="Articles to add",
        help_text="The articles you can open that are not in this project yet.",
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["articles"].queryset = candidates


class AssignForm(forms.Form):
    article = forms.ModelChoiceField(queryset=None, empty_label=None)
    user = forms.ModelChoiceField(queryset=None, empty_label=None, label="Annotator")

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article"].queryset = project_articles(project)
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(
                project_memberships__project=project,
                project_memberships__role=ProjectMember.Role.ANNOTATOR,
            )
            .order_by("username")
        )


class DrawForm(forms.Form):
    per_article = forms.IntegerField(
        label="Annotators per article",
        min_value=1,
        max_value=50,
        initial=2,
        help_text="Every article of the project goes to this many annotators; assignments "
        "already made are kept and count.",
    )
    seed = forms.IntegerField(
        label="Seed",
        min_value=0,
        initial=1,
        help_text="The same seed on the same project draws the same assignments: note it "
        "in your method section.",
    )


def project_articles(project):
    return (
        Article.objects.filter(project_links__project=project).defer("text").order_by("title", "pk")
    )
