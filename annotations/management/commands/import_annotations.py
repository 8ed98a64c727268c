"""Import tags from brat, JSON Lines and W3C files, as the import page does."""

import re
from collections import Counter
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from annotations import access, codebooks
from annotations.interchange import import_service
from annotations.interchange.uploads import BRAT_CONFIG
from annotations.models import Category, Codebook
from newsdesk.ingest import LANGUAGE_CODE
from newsdesk.models import Article

SUFFIXES = (".zip", ".ann", ".txt", ".jsonl", ".json", ".jsonld")


class Command(BaseCommand):
    help = (
        "Import tags from brat standoff (.ann + .txt, or a zip laid out annotator/article), "
        "JSON Lines, W3C Web Annotation and Label Studio JSON files. Each file is saved whole "
        "or not at all. Offsets count code points in the file's own text and are mapped onto "
        "the stored text (NFC, LF newlines, no blank edges)."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="Files or folders (searched recursively).")
        parser.add_argument(
            "--user",
            help="Who imports: tags that name no annotator become theirs; a non-staff user "
            "may import only their own. Without it, every tag must name its annotator.",
        )
        parser.add_argument("--codebook", help="Codebook name (default: the default codebook).")
        parser.add_argument(
            "--create-labels",
            choices=[value for value, _ in Category.choices],
            help="Create labels the codebook lacks, in this category (staff, or without --user).",
        )
        parser.add_argument("--article", type=int, help="Article for W3C targets not found here.")
        parser.add_argument(
            "--annotators-from-folders",
            action="store_true",
            help="In a zip laid out <annotator>/<article>.ann (Newsdesk's brat export), the "
            "folder names the annotator. Without it, folders name no one.",
        )
        parser.add_argument(
            "--annotators-from-completed-by",
            action="store_true",
            help="In a Label Studio export, each annotation's completed_by (username or email) "
            "names its annotator. Without it, its tags are the importer's.",
        )
        parser.add_argument(
            "--language",
            metavar="CODE",
            help="language code of the articles this import creates (en, es, pt-BR…); "
            "without it, a JSON Lines or W3C file's own language field is read when given",
        )
        parser.add_argument(
            "--ann", action="append", default=[], help="A .ann whose .txt has another name."
        )
        parser.add_argument(
            "--txt", action="append", default=[], help="The .txt for the --ann at the same place."
        )

    def handle(
        self,
        *args,
        paths,
        user,
        codebook,
        create_labels,
        article,
        ann,
        txt,
        annotators_from_folders,
        language=None,
        annotators_from_completed_by=False,
        **options,
    ):
        if language is not None and not re.fullmatch(LANGUAGE_CODE, language):
            raise CommandError(f"{language!r} is not a language code such as en, es or pt-BR.")
        if len(ann) != len(txt):
            raise CommandError("Give one --txt for each --ann.")
        importer = None
        if user:
            importer = get_user_model().objects.filter(username=user).first()
            if importer is None:
                raise CommandError(f"There is no user named {user}.")
            if create_labels and not access.may_change_codebooks(importer):
                raise CommandError(
                    f"{user} is not staff: only staff add labels to a codebook "
                    "(leave out --create-labels, or import as a staff member)."
                )
        book = (
            Codebook.objects.filter(name=codebook).first()
            if codebook
            else codebooks.default_codebook()
        )
        if book is None:
            raise CommandError(f"There is no codebook named {codebook or '(default)'}.")
        target = None
        if article is not None:
            target = Article.objects.filter(pk=article).first()
            if target is None:
                raise CommandError(f"There is no article number {article}.")
        files = [p for path in paths for p in self._files(Path(path))]
        files += [Path(p) for p in ann + txt]
        if not files:
            raise CommandError("Name at least one file or folder to import.")
        uploads = [
            import_service.Upload(str(path), path.read_bytes()) for path in dict.fromkeys(files)
        ]
        results = import_service.import_uploads(
            uploads=uploads,
            options=import_service.Options(
                importer=importer,
                codebook=book,
                create_labels=create_labels or "",
                article=target,
                folder_annotators=annotators_from_folders,
                language=language or "",
                completed_by=annotators_from_completed_by,
            ),
            pairs=list(zip(ann, txt, strict=True)),
        )
        failed = 0
        for result in results:
            if result.skipped:
                self.stdout.write(f"{result.name}: skipped ({result.skipped})")
            elif result.ok:
                self.stdout.write(
                    f"{result.name}: {result.tags_added} tags added, {result.twins_skipped} "
                    f"skipped (already here), {result.relations_added} links; articles "
                    f"{result.articles_created} new, {result.articles_matched} existing"
                    + (
                        f"; new labels: {', '.join(result.labels_created)}"
                        if result.labels_created
                        else ""
                    )
                )
            else:
                failed += 1
                self.stderr.write(result.error)
        done = [r for r in results if r.ok and not r.skipped]
        skipped = len(results) - len(done) - failed
        reasons = ", ".join(
            f"{why}: {n}"
            for why, n in Counter(r.skipped for r in results if r.skipped and r.ok).items()
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(done)} file(s) imported, {failed} refused"
                + (f", {skipped} skipped ({reasons})" if skipped else "")
                + ": "
                f"{sum(r.tags_added for r in done)} tags added, "
                f"{sum(r.twins_skipped for r in done)} skipped, "
                f"{sum(r.relations_added for r in done)} links added, "
                f"{sum(r.articles_created for r in done)} articles created."
            )
        )
        if failed:
            raise CommandError(f"{failed} file(s) were refused; nothing of them was saved.")

    def _files(self, path: Path) -> list[Path]:
        if path.is_dir():
            return sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and (p.suffix.lower() in SUFFIXES or p.name in BRAT_CONFIG)
            )
        if not path.exists():
            raise CommandError(f"{path} does not exist.")
        return [path]
