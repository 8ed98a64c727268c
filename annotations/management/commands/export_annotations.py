from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from annotations.interchange import export_feed, records
from newsdesk.models import Article


class Command(BaseCommand):
    help = (
        "Export live tags (every annotator's, or one's) of all or some articles, streamed: "
        "csv, jsonl, brat (a zip: needs -o), w3c or labelstudio. Writes to standard output by "
        "default. Offsets count code points in the stored text (Unicode NFC, LF newlines, no "
        "blank edges), not in an original CRLF or NFD file; --original-offsets counts them in "
        "the text files articles were read from."
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
            "--original-offsets",
            action="store_true",
            help="csv, jsonl, w3c: count start and end in the file each article was read from "
            "(code points of the decoded .txt/.md: CRLF and NFD as they were); articles "
            "without an offset map keep the stored offsets and are listed",
        )
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="the site's address, for the ids of a w3c export (default: %(default)s)",
        )

    def handle(
        self, *args, format, article, annotator, output, base_url, original_offsets, **options
    ):
        if format == "brat" and not output:
            raise CommandError("brat writes a zip: name the file with -o FILE.")
        try:
            export_feed.check_original_offsets(format, original_offsets)
        except export_feed.ExportError as exc:
            raise CommandError(str(exc)) from None
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
        if original_offsets:
            label += export_feed.offsets_note(chosen)
            if missing := export_feed.without_offset_map(chosen):
                shown = ", ".join(map(str, missing))
                self.stderr.write(
                    f"{len(missing)} article(s) have no offset map (not read from a text file): "
                    f"their tags keep the stored text's offsets. Article ids: {shown}."
                )
        stream = export_feed.stream(
            format, chosen, links=links, label=label, original_offsets=original_offsets
        )
        chunks = export_feed.encoded(stream)
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
