import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from annotations import services, suggest
from newsdesk import ingest


class Command(BaseCommand):
    help = (
        "Run the tag suggesters (attributions from the spaCy parse, framing from the lexicon "
        "and short quoted phrases) on a UTF-8 text file and print each suggestion. Offsets "
        "are code points into the text after Newsdesk's normalisation (NFC, \\n newlines)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--json", action="store_true", help="one JSON object per line")
        parser.add_argument(
            "--language", default="en", help="which of the admin's framing lexicons to use"
        )
        parser.add_argument(
            "--default-lexicon",
            action="store_true",
            help="use the built-in lexicon instead of the admin's (no database needed)",
        )

    def handle(self, *args, file: Path, json: bool, language: str, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        try:
            text = ingest.normalise(ingest.decode(data, name=str(file)))
        except ingest.IngestError as exc:
            raise CommandError(str(exc)) from None
        nlp = suggest.load_parser(settings.NEWSDESK_SPACY_MODEL)
        if options["default_lexicon"]:
            terms = suggest.default_lexicon()
        else:
            terms = services.lexicon(language)
            if not terms:
                raise CommandError(
                    f"The framing lexicon for “{language}” is empty: add terms in the admin "
                    "or use --default-lexicon."
                )
        found = suggest.suggest(text, nlp=nlp, lexicon=terms)
        for item in found:
            if json:
                self.stdout.write(_json_line(item))
            else:
                attributes = ", ".join(f"{k}={v}" for k, v in item.attributes.items())
                self.stdout.write(
                    f"{item.category:<8} {item.start:>6} {item.end:>6}  “{item.quote}”"
                    + (f"  [{attributes}]" if attributes else "")
                )
        if not json:
            self.stderr.write(f"{len(found)} suggestions in {file}.")


def _json_line(item: suggest.Suggestion) -> str:
    return json.dumps(
        {
            "category": item.category,
            "start": item.start,
            "end": item.end,
            "quote": item.quote,
            "attributes": item.attributes,
            "reason": item.reason,
        },
        ensure_ascii=False,
    )
