import re
import sys
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from newsdesk import import_batches
from newsdesk.ingest import LANGUAGE_CODE
from newsdesk.models import ImportItem

# Beside the texts of an annotation collection (brat's, say): its tags, settings and
# notes, which are not articles. Skipped, and counted, in folders; tags are imported with
# import_annotations.
NOT_ARTICLES = (".ann", ".conf")


def not_an_article(path: Path) -> bool:
    return path.suffix.lower() in NOT_ARTICLES or path.name.split(".")[0].upper() == "README"


@dataclass
class DiskFile:
    """A file on disk, read only when its turn comes."""

    name: str
    path: Path

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    def read(self) -> bytes:
        return self.path.read_bytes()


class Command(BaseCommand):
    help = (
        "Import articles from files, folders (recursively) and zips: .txt, .md, .html, "
        ".docx, .pdf, and .zip archives of them. Same rules and limits as the upload page; "
        "ends with a summary, and exits non-zero when a file failed. In folders, brat's "
        ".ann and .conf files and READMEs are skipped and counted."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--user", help="username owning the articles (default: first superuser)"
        )
        parser.add_argument(
            "--language",
            metavar="CODE",
            help="language code of every article imported (en, es, pt-BR…); it wins over "
            "any language found in the files",
        )

    def handle(self, *args, paths: list[str], user: str | None, language: str | None, **options):
        if language is not None and not re.fullmatch(LANGUAGE_CODE, language):
            raise CommandError(f"{language!r} is not a language code such as en, es or pt-BR.")
        self.verbosity = options["verbosity"]
        self.skipped: list[str] = []
        files = self.collect(paths)
        if not files:
            raise CommandError(
                "No files to import in "
                + ", ".join(paths)
                + (f" ({self.skipped_text()})" if self.skipped else "")
                + "."
            )
        owner = self.owner(user)
        entries = import_batches.import_entries(files)
        batch = import_batches.import_batch_create(
            user=owner,
            name=f"import_articles: {', '.join(paths)}",
            entries=entries,
            metadata={"language": language},
            enqueue=False,
        )
        pending = batch.items.filter(status=ImportItem.Status.PENDING).count()
        stream = getattr(self.stderr, "_out", sys.stderr)
        with tqdm(total=pending, unit="file", file=stream, disable=None) as bar:

            def advance(item: ImportItem) -> None:
                bar.set_postfix_str(item.name[-40:], refresh=False)
                bar.update()

            import_batches.import_batch_run(batch_id=batch.pk, progress=advance)
        self.summarise(batch)

    def owner(self, username: str | None):
        User = get_user_model()
        if username:
            try:
                return User.objects.get(**{User.USERNAME_FIELD: username})
            except User.DoesNotExist:
                raise CommandError(f"There is no user {username!r}.") from None
        owner = User.objects.filter(is_superuser=True).order_by("pk").first()
        if owner is None:
            raise CommandError(
                "There is no superuser to own the articles: create one "
                "(manage.py createsuperuser) or pass --user NAME."
            )
        return owner

    def collect(self, paths: list[str]) -> list[DiskFile]:
        files = []
        for given in paths:
            path = Path(given)
            if path.is_dir():
                for found in sorted(path.rglob("*")):
                    relative = found.relative_to(path)
                    if found.is_file() and not any(p.startswith(".") for p in relative.parts):
                        if not_an_article(found):
                            self.skipped.append(str(path.name / relative))
                        else:
                            files.append(DiskFile(str(path.name / relative), found))
            elif path.is_file():
                files.append(DiskFile(path.name, path))
            else:
                raise CommandError(f"{given}: no such file or folder.")
        return files

    def skipped_text(self) -> str:
        n = len(self.skipped)
        return f"{n} file{'s' if n != 1 else ''} skipped as not articles (.ann, .conf, README)"

    def summarise(self, batch) -> None:
        counts = import_batches.import_batch_counts(batch)
        items = (
            batch.items.select_related("article")
            .defer("payload", "article__text")
            .order_by("position")
        )
        duplicates = [i for i in items if i.status == ImportItem.Status.DUPLICATE]
        failed = [i for i in items if i.status == ImportItem.Status.FAILED]
        for item in items:
            if item.status == ImportItem.Status.IMPORTED and self.verbosity > 1:
                self.stdout.write(f"  imported {item.name} as article {item.article_id}")
        if self.skipped:
            self.stdout.write("Skipped as not articles (.ann, .conf, README):")
            for name in self.skipped if self.verbosity > 1 else self.skipped[:5]:
                self.stdout.write(f"  {name}")
            if self.verbosity < 2 and len(self.skipped) > 5:
                self.stdout.write(f"  … and {len(self.skipped) - 5} more (-v 2 lists them)")
        if duplicates:
            self.stdout.write("Duplicates skipped:")
            for item in duplicates:
                self.stdout.write(f"  {item.message} (article {item.article_id})")
        if failed:
            self.stdout.write(self.style.ERROR("Failed:"))
            for item in failed:
                self.stdout.write(f"  {item.message}")
        summary = (
            f"Imported {counts['imported']}, duplicates skipped {counts['duplicate']}, "
            f"failed {counts['failed']} (of {counts['total']} files; batch {batch.pk})"
            + (f"; {self.skipped_text()}" if self.skipped else "")
            + "."
        )
        if failed:
            self.stdout.write(summary)
            raise CommandError(
                f"{len(failed)} file{'s' if len(failed) != 1 else ''} could not be imported."
            )
        self.stdout.write(self.style.SUCCESS(summary))
