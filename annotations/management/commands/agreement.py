import json as jsonlib

from django.core.management.base import BaseCommand, CommandError

from annotations import review
from annotations.models import Project


class Command(BaseCommand):
    help = (
        "Inter-coder agreement of a project: Krippendorff's alpha, Cohen's kappa, span F1, "
        "attribute and link agreement, each with the units and coders it rests on. Units: "
        "the articles' word tokens (maximal runs of letters and digits)."
    )

    def add_arguments(self, parser):
        parser.add_argument("project", help="the project's name or id")
        parser.add_argument("--article", type=int, metavar="ID", help="one article only")
        parser.add_argument("--label", metavar="NAME", help="one label only")
        parser.add_argument("--json", action="store_true", help="a JSON list of figures")

    def handle(self, *args, project, article, label, json: bool = False, **options):
        found = Project.objects.filter(name=project).first()
        if found is None and project.isdigit():
            found = Project.objects.filter(pk=int(project)).first()
        if found is None:
            raise CommandError(f"There is no project named “{project}”.")
        if article is not None and not found.project_articles.filter(article_id=article).exists():
            raise CommandError(f"Article {article} is not in the project “{found.name}”.")
        names = [lb.name for lb in review.project_labels(found)]
        if label is not None and label not in names:
            raise CommandError(
                f"The project's codebook has no label “{label}”: {', '.join(names)}."
            )
        figures = review.figures(found, article_id=article, label=label)
        if json:
            self.stdout.write(_json([f.as_dict() for f in figures]))
            return
        self.stdout.write(
            f"Agreement in “{found.name}”. Units: word tokens (maximal runs of letters and "
            "digits); per label a token is 1 when a tag of that label covers it."
        )
        self.stdout.write(
            f"{'label':<20} {'measure':<20} {'value':>7} {'units':>8} {'coders':>6}  detail"
        )
        for f in figures:
            value = "—" if f.value is None else f"{f.value:.3f}"
            detail = " / ".join(filter(None, [f.attribute, " & ".join(f.pair or ())]))
            self.stdout.write(
                f"{f.label:<20} {f.measure:<20} {value:>7} {f.units:>8} {f.coders:>6}  {detail}"
            )


def _json(rows) -> str:
    return jsonlib.dumps(rows, ensure_ascii=False, indent=1)
