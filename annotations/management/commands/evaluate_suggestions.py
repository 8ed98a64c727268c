import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from annotations import suggest, suggest_score
from annotations.management.commands.suggest import lexicon_for


class Command(BaseCommand):
    help = (
        "Score the suggesters against brat-format gold (each .ann beside its .txt, in "
        "GOLD_DIR and below): precision, recall and F1 per category, counting a suggestion "
        "right when it overlaps a gold span of its category, and when it matches exactly."
    )

    def add_arguments(self, parser):
        parser.add_argument("gold_dir", metavar="GOLD_DIR")
        for category in suggest_score.CATEGORIES:
            parser.add_argument(
                f"--{category}-label",
                action="append",
                dest=f"{category}_labels",
                metavar="TYPE",
                help=f"a brat type that counts as {category} (repeatable; default “{category}”)",
            )
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="print the figures as JSON"
        )
        parser.add_argument("--language", default="en")
        parser.add_argument("--default-lexicon", action="store_true")

    def handle(self, *args, gold_dir, as_json: bool, language: str, **options):
        mapping = {}
        for category in suggest_score.CATEGORIES:
            for label in options[f"{category}_labels"] or [category]:
                mapping[label] = category
        try:
            documents = suggest_score.read_gold(gold_dir, mapping)
        except (ValueError, OSError) as exc:
            raise CommandError(str(exc)) from None
        if not documents:
            raise CommandError(f"No .ann files under {gold_dir}.")
        scores = evaluate(documents, lexicon_for(language, default=options["default_lexicon"]))
        if as_json:
            self.stdout.write(json.dumps([figures(s) for s in scores]))
            return
        self.stdout.write(f"{len(documents)} documents")
        self.stdout.write(
            f"{'category':<9}{'gold':>6}{'sugg':>6}   overlap P / R / F1     exact P / R / F1"
        )
        for s in scores:
            self.stdout.write(
                f"{s.category:<9}{s.gold:>6}{s.suggested:>6}   "
                f"{s.precision:.2f} / {s.recall:.2f} / {s.f1:.2f}     "
                f"{s.exact_precision:.2f} / {s.exact_recall:.2f} / {s.exact_f1:.2f}"
            )


def evaluate(documents, lexicon) -> list[suggest_score.Score]:
    nlp = suggest.load_parser(settings.NEWSDESK_SPACY_MODEL)
    totals = {c: suggest_score.Score(c, 0, 0, 0, 0) for c in suggest_score.CATEGORIES}
    for document in documents:
        found = suggest.suggest(document.text, nlp=nlp, lexicon=lexicon)
        for s in suggest_score.score(document.spans, found):
            totals[s.category] = totals[s.category].add(s)
    return list(totals.values())


def figures(s: suggest_score.Score) -> dict:
    return {
        "category": s.category,
        "gold": s.gold,
        "suggested": s.suggested,
        "precision": round(s.precision, 3),
        "recall": round(s.recall, 3),
        "f1": round(s.f1, 3),
        "exact_precision": round(s.exact_precision, 3),
        "exact_recall": round(s.exact_recall, 3),
        "exact_f1": round(s.exact_f1, 3),
    }
