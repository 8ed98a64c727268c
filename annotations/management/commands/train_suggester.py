from django.core.management.base import BaseCommand, CommandError

from annotations import suggester_models
from annotations.models import Codebook, SuggesterModel


class Command(BaseCommand):
    help = (
        "Train a new version of a codebook's learned suggester from the tags coders made or "
        "accepted: queued for the worker, or here with --now. Prints precision, recall and "
        "F1 per category on the held-out articles, for the model and the rules."
    )

    def add_arguments(self, parser):
        parser.add_argument("codebook", help="the codebook's name")
        parser.add_argument(
            "--now", action="store_true", help="train in this process and print the figures"
        )
        parser.add_argument(
            "--iterations", type=int, help="passes over the training tags (default: the setting)"
        )

    def handle(self, *args, codebook: str, now: bool, iterations: int | None, **options):
        found = Codebook.objects.filter(name=codebook).first()
        if found is None:
            names = ", ".join(Codebook.objects.values_list("name", flat=True)) or "none"
            raise CommandError(f"There is no codebook “{codebook}” (there are: {names}).")
        if iterations is not None and iterations < 1:
            raise CommandError("--iterations must be 1 or more.")
        if not now:
            suggester = suggester_models.suggester_train_queue(
                codebook=found, iterations=iterations
            )
            self.stdout.write(f"Queued the training of {suggester}: a worker will run it.")
            return
        suggester = suggester_models.suggester_new(codebook=found)
        try:
            suggester_models.suggester_train(suggester_id=suggester.pk, iterations=iterations)
        except Exception as exc:
            raise CommandError(f"{suggester}: training failed: {exc}") from None
        suggester.refresh_from_db()
        self.stdout.write(report(suggester))


def report(suggester: SuggesterModel) -> str:
    run = suggester.figures.get("_run", {})
    lines = [
        f"{suggester} ({suggester.language}): {run.get('training_articles')} articles to train, "
        f"{run.get('held_out_articles')} held out, {run.get('iterations')} iterations, "
        f"{run.get('seconds')} s",
        f"{'category':<10} {'model P / R / F1':<22} {'rules P / R / F1':<22} used",
    ]
    for category, model in suggester.figures.items():
        if category.startswith("_"):
            continue
        rules = suggester.rules_figures.get(category, {})
        lines.append(
            f"{category:<10} {_prf(model):<22} {_prf(rules):<22} "
            f"{'yes' if category in suggester.categories else 'no'}"
        )
    return "\n".join(lines)


def _prf(figures: dict) -> str:
    if not figures:
        return "–"
    return f"{figures['precision']:.2f} / {figures['recall']:.2f} / {figures['f1']:.2f}"
