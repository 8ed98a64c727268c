"""The article list's filters, shared by the list page and the export of a selection.

One form decides which articles a set of query parameters means, so that the export
bar under the list exports exactly the articles the list shows.
"""

from django import forms
from django.db.models import QuerySet

from newsdesk import extensions
from newsdesk.models import Article, Outlet


class ArticleFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Title contains")
    outlet = forms.ModelChoiceField(
        queryset=Outlet.objects.all(), required=False, empty_label="Any outlet"
    )
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *Article.Status.choices]
    )
    published_from = forms.DateField(
        required=False, label="Published from", widget=forms.DateInput(attrs={"type": "date"})
    )
    published_to = forms.DateField(
        required=False, label="to", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data=None, *, user):
        super().__init__(data)
        self.user = user
        # Filters other apps add (annotations: "Tagged by"), each for the users it allows.
        for extra in extensions.article_filters:
            self.fields.update(extra.fields(user))

    def clean(self):
        data = super().clean()
        start, end = data.get("published_from"), data.get("published_to")
        if start and end and start > end:
            self.add_error("published_to", "The end date is before the start date.")
        return data

    @property
    def active(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)

    def filter(self, articles: QuerySet[Article]) -> QuerySet[Article]:
        """The articles the (valid) filters select."""
        data = self.cleaned_data
        if data.get("q"):
            articles = articles.filter(title__icontains=data["q"].strip())
        if data.get("outlet"):
            articles = articles.filter(outlet=data["outlet"])
        if data.get("status"):
            articles = articles.filter(status=data["status"])
        if data.get("published_from"):
            articles = articles.filter(published_on__gte=data["published_from"])
        if data.get("published_to"):
            articles = articles.filter(published_on__lte=data["published_to"])
        for extra in extensions.article_filters:
            articles = extra.apply(articles, data)
        return articles
