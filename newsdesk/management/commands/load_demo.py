import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from newsdesk import ingestion, signals

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DEMO_USERS = [
    # user name, staff, what they are for
    ("editor", True, "staff: admin panel, codebook"),
    ("alice", False, "annotator"),
    ("bob", False, "annotator"),
]


class Command(BaseCommand):
    help = "Create demo accounts (new passwords printed each run) and load the demo articles."

    def handle(self, *args, **options):
        User = get_user_model()
        lines, users = [], []
        for username, staff, role in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            password = secrets.token_urlsafe(9)
            user.set_password(password)
            user.is_staff = user.is_superuser = staff
            user.save()
            users.append(user)
            lines.append(f"  {username:<8} {password:<14} {role}")
        uploader = User.objects.get(username="editor")
        added, articles = 0, []
        for path in sorted(DEMO_DIR.glob("*.md")):
            text = path.read_text(encoding="utf-8")
            try:
                articles.append(
                    ingestion.article_ingest(text=text, user=uploader, filename=path.name)
                )
            except ingestion.DuplicateArticle as exc:
                articles.append(exc.existing)
                continue
            added += 1
        signals.demo_loaded.send(sender=self.__class__, users=users, articles=articles)
        self.stdout.write(f"Demo articles: {added} added.")
        self.stdout.write("Demo accounts (user, password, role):")
        self.stdout.write("\n".join(lines))
