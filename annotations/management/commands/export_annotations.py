from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from annotations.interchange import export_feed, records
from newsdesk.models import Article


class Command(BaseCommand):
    help = (
        "Export live tags (every annotator's, or one's) of all or some articles, streamed: "
        "csv, jsonl, brat (a zip: needs -o), w3c or labelstudio. Writes to standard output by "
        "default. Offsets count code points in the stored text (Unicode NFC, LF newlines, no "
        "blank edges), not in an original CRLF or NFD file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=list(records.FORMATS))
        parser.add_argument(
            "--article", type=int, action="append", default=[], metavar="ID",
            help="an article id (repeat for several); all articles by default",
        )  # fmt: skip
        parser.add_argument("--annotator", metavar="USERNAME", help="only this user's tags")
        parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE")
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="the site's address, for the ids of a w3c export (default: %(default)s)",
        )

    def handle(self, *args, format, article, annotator, output, base_url, **options):
        if format == "brat" and not output:
            raise CommandError("brat writes a zip: name the file with -o FILE.")
        owner = None
        if annotator:
            owner = get_user_model().objects.filter(username=annotator).first()
            if owner is None:
                raise CommandError(f"There is no annotator named “{annotator}”.")
        articles = Article.objects.all()
        if article:
            found = set(articles.filter(pk__in=article).values_list("pk", flat=True))
            if missing := sorted(set(article) - found):
                raise CommandError(f"No article with id {', '.join(map(str, missing))}.")
            articles = articles.filter(pk__in=article)
        # The command runs with the site's full rights, as staff would; with --annotator it
        # exports as that annotator would, untagged articles included (brat: empty .ann).
        chosen = export_feed.selection(export_feed.Scope(user=owner, annotator=owner), articles)
        base = base_url.rstrip("/")
        links = records.Links(
            collection=f"{base}/export/?format=w3c",
            tag=base + "/tags/{}/",
            article=base + "/articles/{}/",
        )
        label = f"Newsdesk export: tags of {annotator or 'all annotators'}"
        chunks = export_feed.encoded(export_feed.stream(format, chosen, links=links, label=label))
        if output:
            with open(output, "wb") as file:
                for chunk in chunks:
                    file.write(chunk)
            self.stderr.write(f"Wrote {output}.")
            return
        # Bytes straight to a real stdout; text to a captured one (chunks hold whole lines).
        target = getattr(self.stdout, "buffer", None)
        for chunk in chunks:
            if target is not None:
                target.write(chunk)
            else:
                self.stdout.write(chunk.decode("utf-8"), ending="")
        self.stdout.flush()
