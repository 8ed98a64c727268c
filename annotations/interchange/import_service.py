"""The import service: files of tags in, one transaction per file, a summary or a refusal.

uploads.py sorts the files and the format readers (brat.py, jsonl.py, w3c.py) turn them
into plain documents; this module finds or creates the articles, maps labels onto a
codebook, validates every value and writes the tags and links. Any refusal rolls the
whole file back.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from annotations import access, codebooks, schema, services
from annotations.interchange import anchoring, brat
from annotations.interchange import uploads as uploads_module
from annotations.interchange.records import (
    Document,
    ImportFormatError,
    Link,
    Span,
    resolve_attributes,
)
from annotations.interchange.uploads import Upload
from annotations.models import (
    Annotation,
    ArticleCodebook,
    Category,
    Codebook,
    Label,
    Project,
    ProjectArticle,
    ProjectMember,
    Relation,
)
from newsdesk import formats, ingest
from newsdesk.ingestion import article_ingest_exact
from newsdesk.models import Article

LABEL_NAME_MAX = Label._meta.get_field("name").max_length
PALETTE = ("#2f6f4f", "#7a4fa0", "#a0522d", "#1f6f8b", "#8b6b1f", "#6b3a5b", "#3f5f9f")


@dataclass
class FileSummary:
    """What one file did, or why it changed nothing."""

    name: str
    articles_created: int = 0
    articles_matched: int = 0
    tags_added: int = 0
    twins_skipped: int = 0
    relations_added: int = 0
    labels_created: list[str] = field(default_factory=list)
    members_added: list[str] = field(default_factory=list)
    triggers_left_out: int = 0
    articles: list[Article] = field(default_factory=list)
    error: str = ""
    skipped: str = ""  # why the file was not read, though nothing is wrong with it

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass
class Options:
    """How to import: who imports (None: the command, acting for the users files name)."""

    importer: AbstractBaseUser | None
    codebook: Codebook
    create_labels: str = ""
    article: Article | None = None
    # A zip laid out <annotator>/<article>.ann names the annotators (our brat export).
    folder_annotators: bool = False
    # Label Studio's completed_by (a username or email) names each annotation's annotator.
    completed_by: bool = False
    # The language of articles the import creates, over what the file says (--language).
    language: str = ""
    # Into a project: its articles gain the file's articles, and (create_members) the
    # coders the files name become its annotators, with an account made if they have none.
    project: Project | None = None
    create_members: bool = False


def import_uploads(
    *, uploads: list[Upload], options: Options, pairs: list[tuple[str, str]] = ()
) -> list[FileSummary]:
    """Every upload (zip archives expanded) read and imported, one result per file.

    brat .ann and .txt files pair up by name; ``pairs`` names (.ann, .txt) pairs whose
    names differ. One bad file never stops the others.
    """
    refused, units, skipped = uploads_module.sort_uploads(
        uploads,
        pairs=pairs,
        max_bytes=settings.NEWSDESK_MAX_ANNOTATION_IMPORT_BYTES,
        zip_limits=zip_limits(),
        folder_annotators=options.folder_annotators,
    )
    results = [FileSummary(name, error=error) for name, error in refused]
    results += [FileSummary(name, skipped="brat configuration") for name in skipped]
    for unit in units:
        if not unit.data.strip() and unit.kind != "brat":
            # An empty file holds no tags: nothing to import, nothing wrong. (An empty .ann
            # still brings its .txt in as an article, as a brat collection means it to.)
            results.append(FileSummary(unit.name, skipped="empty"))
            continue
        try:
            documents = uploads_module.read_unit(unit, completed_by=options.completed_by)
            results.append(import_documents(documents=documents, name=unit.name, options=options))
        except ImportFormatError as exc:
            results.append(FileSummary(unit.name, error=str(exc)))
        except IntegrityError:
            # The checks below should leave nothing for the database to refuse; if a
            # concurrent edit does (a label created meanwhile), the file is refused whole.
            results.append(
                FileSummary(
                    unit.name,
                    error=f"{unit.name}: nothing was saved: it clashes with something saved "
                    "here meanwhile (a label of the same name?). Import it again.",
                )
            )
    return results


def zip_limits() -> formats.ZipLimits:
    """What a zip of tags may hold (its own values, newsdesk's zip reader)."""
    return formats.ZipLimits(
        members=settings.NEWSDESK_MAX_ZIP_MEMBERS,
        total_bytes=settings.NEWSDESK_MAX_ZIP_BYTES,
        member_bytes=settings.NEWSDESK_MAX_ANNOTATION_IMPORT_BYTES,
    )


def import_documents(*, documents: list[Document], name: str, options: Options) -> FileSummary:
    """Write one file's documents in one transaction; ImportFormatError leaves nothing."""
    with transaction.atomic():
        return _Import(name, options).run(documents)


class _Import:
    def __init__(self, name: str, options: Options) -> None:
        self.name, self.options = name, options
        self.summary = FileSummary(name)
        self.users: dict[str, AbstractBaseUser] = {}
        self.labels = list(options.codebook.labels.all())

    @property
    def may_change_codebooks(self) -> bool:
        """Staff, or the command run without --user (whoever runs it runs the server)."""
        importer = self.options.importer
        return importer is None or access.may_change_codebooks(importer)

    @property
    def may_choose_codebook(self) -> bool:
        """Who may code an article under a codebook: whoever may change codebooks, and a
        project's manager importing into it, for the project's codebook."""
        if self.may_change_codebooks:
            return True
        importer, project = self.options.importer, self.options.project
        return (
            project is not None
            and project.codebook_id == self.options.codebook.pk
            and access.may_manage(importer, project)
        )

    def fail(self, message: str, item: Span | Link | Document | None = None) -> ImportFormatError:
        line, where = getattr(item, "line", None), getattr(item, "where", "")
        return ImportFormatError(message, name=self.name, line=line, where=where)

    def run(self, documents: list[Document]) -> FileSummary:
        labels = self._labels(documents)
        for document in documents:
            article = self._article(document)
            if not (document.spans or document.links or document.events):
                continue  # no tags: whichever codebook it is coded under does not matter
            self._check_codebook(article, document)
            self._write(document, article, labels)
        if self.options.project is not None:
            ProjectArticle.objects.bulk_create(
                [
                    ProjectArticle(project=self.options.project, article=a)
                    for a in self.summary.articles
                ],
                ignore_conflicts=True,
            )
        return self.summary

    @property
    def may_import_for_others(self) -> bool:
        """Staff, a manager importing into their project, or the command."""
        importer, project = self.options.importer, self.options.project
        if importer is None or access.may_import_for_others(importer):
            return True
        return project is not None and access.may_manage(importer, project)

    def _openable(self, article: Article | None) -> Article | None:
        """The article if the importer may open it (the command opens all), else None."""
        importer = self.options.importer
        if article is None or importer is None:
            return article
        return access.articles_for(importer).filter(pk=article.pk).first()

    def _check_codebook(self, article: Article, document: Document) -> None:
        """Tags go in under the codebook the article is coded under. An article not yet
        coded under one takes the chosen codebook, unless it has tags of another."""
        chosen = self.options.codebook
        coded = codebooks.named_codebook(article)
        if coded is not None:
            if coded.pk != chosen.pk:
                raise self.fail(
                    f"“{article.title}” is coded under the codebook “{coded}”, not "
                    f"“{chosen}”: import its tags with that codebook.",
                    document,
                )
            return
        if chosen.is_default:
            return
        if codebooks.tags_outside(article, chosen):
            raise self.fail(
                f"“{article.title}” has tags made under another codebook than “{chosen}”: "
                "import its tags with that codebook.",
                document,
            )
        if not self.may_choose_codebook:
            raise self.fail(
                f"“{article.title}” is coded under the default codebook, not “{chosen}”, and "
                "only staff choose the codebook an article is coded under: import its tags "
                "with the default codebook, or ask a staff member.",
                document,
            )
        ArticleCodebook.objects.create(article=article, codebook=chosen)

    # Labels

    def _find_label(self, name: str, brat_type: bool = False) -> Label | None:
        """The label of exactly this name; a brat type's "_" may stand for a space."""
        exact = next((label for label in self.labels if label.name == name), None)
        if exact is None and brat_type and "_" in name:
            spaced = name.replace("_", " ")
            exact = next((label for label in self.labels if label.name == spaced), None)
        return exact

    def _labels(self, documents: list[Document]) -> dict[str, Label]:
        spans = {s.label: (s, d) for d in reversed(documents) for s in reversed(d.spans)}
        for label_name, (span, _) in spans.items():
            if not label_name.strip():
                raise self.fail("a tag has no label name.", span)
        names = {s.label for d in documents for s in d.spans if not s.trigger_only}
        found = {
            name: self._find_label(name, spans[name][1].underscores_for_spaces) for name in names
        }
        unknown = sorted(name for name, label in found.items() if label is None)
        self._check_case(unknown, spans)
        if unknown and not (self.options.create_labels and self.may_change_codebooks):
            missing = (
                f"{len(unknown)} label{'s are' if len(unknown) > 1 else ' is'} not in the "
                f"codebook “{self.options.codebook.name}”: {', '.join(unknown)}."
            )
            if self.may_change_codebooks:
                advice = (
                    "Create them in a category of your choice, or add them to the codebook first."
                )
            else:
                advice = "Only staff add labels to a codebook: ask a staff member to add them."
            raise ImportFormatError(f"{missing} {advice}", name=self.name)
        if unknown:
            self._check_new_names(unknown, spans)
            category = Category(self.options.create_labels)
            position = max((label.position for label in self.labels), default=0)
            for offset, label_name in enumerate(unknown, start=1):
                label = Label.objects.create(
                    codebook=self.options.codebook,
                    category=category,
                    name=label_name,
                    colour=PALETTE[int(hashlib.md5(label_name.encode()).hexdigest(), 16) % 7],
                    position=position + offset,
                    guideline=f"Created by importing {PurePosixPath(self.name).name}.",
                )
                self.labels.append(label)
                found[label_name] = label
                self.summary.labels_created.append(label.name)
        triggers = {s.label for d in documents for s in d.spans if s.trigger_only}
        found.update({t: self._find_label(t, True) for t in triggers if t not in found})
        return found

    def _check_case(self, unknown: list[str], spans: dict[str, tuple[Span, Document]]) -> None:
        """Labels are matched by their exact name: a name that differs from a label here,
        or from another name in the file, only in case is reported, never merged."""
        for name in unknown:
            span, document = spans[name]
            variants = {name.casefold()}
            if document.underscores_for_spaces:
                variants.add(name.replace("_", " ").casefold())
            others = [lb.name for lb in self.labels if lb.name.casefold() in variants]
            others += [n for n in unknown if n != name and n.casefold() == name.casefold()]
            if others:
                raise self.fail(
                    f"the label “{name}” differs only in case from “{others[0]}”"
                    f"{' in the codebook' if others[0] not in unknown else ' in this file'}: "
                    "labels are matched by their exact name. Write it as the codebook does, "
                    "or rename one of them.",
                    span,
                )

    def _check_new_names(self, names: list[str], spans: dict[str, tuple[Span, Document]]) -> None:
        """A label is created with the name the file gives it, exactly, or not at all."""
        for name in names:
            span = spans[name][0]
            if len(name) > LABEL_NAME_MAX:
                raise self.fail(
                    f"the label “{name[:40]}…” is {len(name)} characters long; a label's name "
                    f"holds at most {LABEL_NAME_MAX}. Shorten it in the file, or add the label "
                    "to the codebook under a shorter name and rename it in the file.",
                    span,
                )
            if " ".join(name.split()) != name:
                raise self.fail(
                    f"the label “{name}” has blank space at its edges, or other than single "
                    "spaces between its words; a label is created with its name exactly, and "
                    "that space would not survive brat or the codebook's editor. Tidy the "
                    "name in the file.",
                    span,
                )

    # Articles

    def _article(self, document: Document) -> Article:
        named = self.options.article
        if document.text is None:  # W3C: the target names the article
            article = None
            if document.article_id is not None:
                article = self._openable(Article.objects.filter(pk=document.article_id).first())
            article = article or named
            if article is None:
                raise self.fail(
                    f"the target “{document.source}” is not an article here; choose the "
                    "article the tags belong to.",
                    document,
                )
            self.summary.articles_matched += 1
            if article not in self.summary.articles:
                self.summary.articles.append(article)
            if document.language and article.language != document.language:
                article.language = document.language  # the file says what the text is in
                article.save(update_fields=["language"])
            return article
        if named is not None:
            if named.text != document.text:
                raise self.fail(
                    f"the text differs from the article “{named.title}” it should be added to.",
                    document,
                )
            self.summary.articles_matched += 1
            return named
        digest = ingest.sha256(document.text)
        if article := Article.objects.filter(sha256=digest).first():
            if self._openable(article) is None:
                raise self.fail(
                    "this text is already here, in an article outside your projects: ask "
                    "one of its project's managers to add you, or it to your project.",
                    document,
                )
            self.summary.articles_matched += 1
        else:
            stem = PurePosixPath(document.name).name
            article = article_ingest_exact(
                text=document.text,
                user=self.options.importer,
                title=document.title or ingest.title_from(text=document.text, filename=stem),
                filename=stem,
                language=self.options.language or document.language,
                # The way back to the file's own offsets (CRLF, NFD), for exports in them.
                offset_map=document.file_text.offset_map() if document.file_text else None,
            )
            self.summary.articles_created += 1
        if article not in self.summary.articles:
            self.summary.articles.append(article)
        return article

    # Owners

    def _owner(self, span: Span, document: Document) -> AbstractBaseUser:
        importer = self.options.importer
        username = span.annotator or document.annotator
        if not username:
            if importer is None:
                raise self.fail("the file names no annotator for this tag; say whose it is.", span)
            return importer
        if importer is not None and username == importer.get_username():
            return importer
        if importer is not None and not self.may_import_for_others:
            raise self.fail(
                f"the file names “{username}” as the annotator: you can import tags only as "
                "yourself. Ask a staff member, or a manager of the project you import "
                "into, to import other people's tags.",
                span,
            )
        if username not in self.users:
            self.users[username] = self._coder(username, span)
        return self.users[username]

    def _coder(self, username: str, span: Span) -> AbstractBaseUser:
        """The user a file names; in a project, one of its members (made one if asked)."""
        project, create = self.options.project, self.options.create_members
        users = get_user_model().objects
        user = users.filter(username=username).first()
        if user is None and "@" in username:  # Label Studio names users by email
            user = users.filter(email__iexact=username).first()
        if user is None and not (project is not None and create):
            raise self.fail(f"the file names “{username}”, who has no account here.", span)
        if project is None:
            return user
        if user is None:
            user = self._new_account(username, span)
        member = ProjectMember.objects.filter(project=project, user=user).exists()
        if not member:
            if not create:
                raise self.fail(
                    f"the file names “{username}”, who is not a member of “{project}”: add "
                    "them, or import with “Make the coders members”.",
                    span,
                )
            ProjectMember.objects.create(project=project, user=user)
            self.summary.members_added.append(username)
        return user

    def _new_account(self, username: str, span: Span) -> AbstractBaseUser:
        User = get_user_model()
        try:
            User._meta.get_field(User.USERNAME_FIELD).run_validators(username)
        except ValidationError:
            raise self.fail(f"“{username}” cannot be a user name here.", span) from None
        # No password: the account holds imported coding until someone sets one.
        return User.objects.create_user(username, password=None)

    # Tags and links

    def _write(self, document: Document, article: Article, labels: dict[str, Label]) -> None:
        text = article.text
        by_key: dict[str, Annotation] = {}
        new: list[Annotation] = []
        existing = {
            (a.owner_id, a.label_id, a.start, a.end): a
            for a in Annotation.objects.live().filter(article=article)
        }
        for span in document.spans:
            label = labels.get(span.label)
            if label is None:
                self.summary.triggers_left_out += 1
                continue
            start, end = self._place(span, text)
            owner = self._owner(span, document)
            values = self._values(span, label)
            try:
                note = schema.clean_note(span.note)
            except schema.SchemaError as exc:
                raise self.fail(str(exc), span) from None
            key = (owner.pk, label.pk, start, end)
            if key in existing:
                self.summary.twins_skipped += 1
                by_key[span.key] = existing[key]
                continue
            tag = services.annotation_on_text(
                article=article,
                owner=owner,
                label=label,
                start=start,
                end=end,
                attributes=values,
                note=note,
                origin=Annotation.Origin.IMPORTED,
            )
            existing[key] = by_key[span.key] = tag
            new.append(tag)
        Annotation.objects.bulk_create(new)
        self.summary.tags_added += len(new)
        self._links(document, by_key, labels)

    def _place(self, span: Span, text: str) -> tuple[int, int]:
        try:
            start, end = anchoring.locate(
                text,
                start=span.start,
                end=span.end,
                quote=span.quote,
                prefix=span.prefix,
                suffix=span.suffix,
            )
        except anchoring.AnchorError as exc:
            raise self.fail(str(exc), span) from None
        if not text[start:end].strip():
            raise self.fail(f"the span [{start}, {end}) holds only blank space.", span)
        return start, end

    def _values(self, span: Span, label: Label) -> dict:
        attribute_schema = label.attribute_schema
        note, note_pairs = brat.split_note(span.note, attribute_schema)
        span.note = note
        try:
            values = dict(span.attributes)
            values.update(resolve_attributes(attribute_schema, span.attribute_pairs + note_pairs))
            return schema.clean(attribute_schema, values)
        except (ValueError, schema.SchemaError) as exc:
            raise self.fail(f"{label.name}: {exc}", span) from None

    def _links(self, document: Document, by_key: dict[str, Annotation], labels) -> None:
        links = list(document.links)
        links.extend(self._event_links(document, by_key))
        tags = {tag.pk: tag for tag in by_key.values()}
        existing = set(
            Relation.objects.filter(from_annotation__in=list(tags)).values_list(
                "from_annotation_id", "to_annotation_id", "type"
            )
        )
        new = []
        for link in links:
            first, second = by_key.get(link.from_key), by_key.get(link.to_key)
            if first is None or second is None:
                missing = link.from_key if first is None else link.to_key
                raise self.fail(f"the link points to {missing}, which is not a tag here.", link)
            found = (first.label.category, second.label.category)
            if link.type == Relation.Type.ATTRIBUTED_TO and found == (
                Category.SOURCE,
                Category.CLAIM,
            ):
                first, second = second, first  # a source → claim link, read back
            problem = services.relation_refusal(
                from_annotation=first, to_annotation=second, type=link.type
            )
            if problem:
                raise self.fail(problem, link)
            key = (first.pk, second.pk, link.type)
            if key not in existing:
                existing.add(key)
                new.append(Relation(from_annotation=first, to_annotation=second, type=link.type))
        Relation.objects.bulk_create(new)
        self.summary.relations_added += len(new)
        # A claim's "attributed" follows its links here too, whatever the file said.
        claims = [tag for tag in tags.values() if tag.label.category == Category.CLAIM]
        services.claim_attributed_sync(claims=claims)

    def _event_links(self, document: Document, by_key: dict[str, Annotation]) -> list[Link]:
        """An event tying one source tag to one claim tag is an attribution; others are refused."""
        triggers = {event.key: event.trigger for event in document.events}
        links = []
        for event in document.events:
            by_category = defaultdict(list)
            described = []
            for role, ref in event.arguments:
                key = triggers.get(ref, ref)
                tag = by_key.get(key)
                category = tag.label.category if tag else "no label"
                described.append(f"{role} {ref} ({category})")
                if tag:
                    by_category[category].append(key)
            if len(by_category[Category.SOURCE]) == 1 and len(by_category[Category.CLAIM]) == 1:
                links.append(
                    Link(
                        "attributed_to",
                        by_category[Category.CLAIM][0],
                        by_category[Category.SOURCE][0],
                        line=event.line,
                        where=event.key,
                    )
                )
                continue
            raise ImportFormatError(
                f"the event {event.type} has no counterpart in Newsdesk: only an event whose "
                "arguments are one source tag and one claim tag becomes a link (the claim "
                f"attributed to the source). Its arguments: {', '.join(described) or 'none'}.",
                name=self.name,
                line=event.line,
                where=event.key,
            )
        return links
