"""A team at work on a running Newsdesk: N simulated annotators, then an audit.

Each annotator is a thread with its own HTTP session (``requests``): it logs in through
the login form, then until the deadline opens the article list, readers and workbenches,
and creates, edits (note, label) and deletes its own tags through the same endpoints the
workbench uses, keeping its own log of what the server confirmed. At the end the
database is compared with every log: a tag confirmed but missing or not as last
confirmed is *lost*, a live tag nobody confirmed or two live tags for one confirmation
are *duplicated*. Loopback only, bounded in annotators and time.
"""

import json
import random
import statistics
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAX_USERS = 200
MAX_SECONDS = 600
# How often each action is chosen; a tag can only be edited or deleted once made.
WEIGHTS = {"list": 1, "reader": 1, "workbench": 2, "create": 4, "edit": 3, "delete": 1}


def check_url(url: str) -> str:
    host = urlsplit(url).hostname
    if urlsplit(url).scheme != "http" or host not in LOOPBACK:
        raise ValueError(f"Load runs go to http://127.0.0.1 only, not {url!r}.")
    return url.rstrip("/")


@dataclass
class Article:
    pk: int
    text: str


@dataclass
class TagLog:
    """What the server confirmed for one tag, last confirmation winning."""

    pk: int
    article: int
    label: int
    start: int
    end: int
    note: str = ""
    deleted: bool = False


@dataclass
class Annotator:
    username: str
    password: str
    tags: dict[int, TagLog] = field(default_factory=dict)
    # (action, status or 0 for no response, milliseconds)
    requests: list[tuple[str, int, float]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _word_span(rng: random.Random, text: str) -> tuple[int, int]:
    """A few whole words: starts and ends on word boundaries, so no snapping is needed."""
    words = [i for i in range(len(text)) if text[i].isalnum() and (i == 0 or text[i - 1] == " ")]
    start = rng.choice(words[:-10] or words)
    end = start
    for _ in range(rng.randint(1, 6)):
        nxt = text.find(" ", end + 1)
        if nxt < 0:
            break
        end = nxt
    if end <= start:
        end = len(text)
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end


class Client:
    def __init__(self, base: str, annotator: Annotator, timeout: float):
        self.base, self.annotator, self.timeout = base, annotator, timeout
        self.http = requests.Session()

    def call(self, action: str, method: str, path: str, data=None, htmx=False):
        headers = {}
        if method == "POST":
            headers["X-CSRFToken"] = self.http.cookies.get("csrftoken", "")
        if htmx:
            headers["HX-Request"] = "true"
        began = time.perf_counter()
        try:
            response = self.http.request(
                method,
                self.base + path,
                data=data,
                headers=headers,
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            elapsed = (time.perf_counter() - began) * 1000
            self.annotator.requests.append((action, 0, elapsed))
            self.annotator.errors.append(f"{action} {path}: {exc}")
            return None
        elapsed = (time.perf_counter() - began) * 1000
        self.annotator.requests.append((action, response.status_code, elapsed))
        if response.status_code >= 500:
            self.annotator.errors.append(
                f"{action} {path}: HTTP {response.status_code} {response.text[:200]!r}"
            )
        return response

    def login(self) -> bool:
        self.call("login page", "GET", "/accounts/login/")
        response = self.call(
            "login",
            "POST",
            "/accounts/login/",
            data={
                "username": self.annotator.username,
                "password": self.annotator.password,
                "csrfmiddlewaretoken": self.http.cookies.get("csrftoken", ""),
            },
        )
        return response is not None and response.status_code == 302


def _tag_id(response) -> int | None:
    try:
        return int(json.loads(response.headers["HX-Trigger"])["tag-saved"]["id"])
    except (KeyError, ValueError, TypeError):
        return None


def annotate(
    client: Client,
    *,
    articles: list[Article],
    labels: list[int],
    deadline: float,
    rng: random.Random,
    think: float,
) -> None:
    """One annotator's session until the deadline; every confirmed change goes in its log."""
    log = client.annotator.tags
    if not client.login():
        client.annotator.errors.append("login refused")
        return
    actions, weights = zip(*WEIGHTS.items(), strict=True)
    edits = 0
    while time.monotonic() < deadline:
        live = [tag for tag in log.values() if not tag.deleted]
        action = rng.choices(actions, weights)[0]
        if action in ("edit", "delete") and not live:
            action = "create"
        article = rng.choice(articles)
        if action == "list":
            client.call(action, "GET", "/")
        elif action == "reader":
            client.call(action, "GET", f"/articles/{article.pk}/")
        elif action == "workbench":
            client.call(action, "GET", f"/articles/{article.pk}/code/")
        elif action == "create":
            start, end = _word_span(rng, article.text)
            label = rng.choice(labels)
            response = client.call(
                action,
                "POST",
                f"/articles/{article.pk}/tags/",
                data={
                    "label": label,
                    "start": start,
                    "end": end,
                    "quote": article.text[start:end],
                    "snap": "0",
                },
                htmx=True,
            )
            if response is not None and response.status_code == 201:
                pk = _tag_id(response)
                if pk is None or pk in log:
                    client.annotator.errors.append(f"create: bad or reused tag id {pk}")
                else:
                    log[pk] = TagLog(pk, article.pk, label, start, end)
        elif action == "edit":
            tag = rng.choice(live)
            edits += 1
            data = {"note": f"{client.annotator.username} edit {edits}"}
            if rng.random() < 0.25:
                data["label"] = rng.choice(labels)
            response = client.call(action, "POST", f"/tags/{tag.pk}/edit/", data=data, htmx=True)
            if response is not None and response.status_code == 200:
                tag.note = data["note"]
                tag.label = int(data.get("label", tag.label))
        elif action == "delete":
            tag = rng.choice(live)
            response = client.call(action, "POST", f"/tags/{tag.pk}/delete/", htmx=True)
            if response is not None and response.status_code == 200:
                tag.deleted = True
        if think:
            time.sleep(rng.uniform(0, 2 * think))


def run(
    *,
    url: str,
    annotators: list[Annotator],
    articles: list[Article],
    labels: list[int],
    seconds: float,
    think: float = 0.0,
    timeout: float = 60.0,
    seed: int = 1,
) -> float:
    """Every annotator in its own thread for ``seconds``; returns the wall time taken."""
    base = check_url(url)
    if not 1 <= len(annotators) <= MAX_USERS:
        raise ValueError(f"Between 1 and {MAX_USERS} annotators.")
    if not 0 < seconds <= MAX_SECONDS:
        raise ValueError(f"A run lasts at most {MAX_SECONDS} seconds.")
    began = time.monotonic()
    deadline = began + seconds
    threads = [
        threading.Thread(
            target=annotate,
            args=(Client(base, annotator, timeout),),
            kwargs={
                "articles": articles,
                "labels": labels,
                "deadline": deadline,
                "rng": random.Random(seed * 1000 + n),
                "think": think,
            },
            name=annotator.username,
        )
        for n, annotator in enumerate(annotators)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + timeout + 30)
    return time.monotonic() - began


def audit(annotators: list[Annotator], stored: dict[str, list[dict]]) -> dict:
    """Compare each annotator's log with their tags as stored.

    ``stored`` maps a username to their tags (deleted ones included): dicts with pk,
    article, label, start, end, note and deleted.
    """
    lost, duplicated, problems = 0, 0, []
    for annotator in annotators:
        rows = stored.get(annotator.username, [])
        by_pk = {row["pk"]: row for row in rows}
        for pk, tag in annotator.tags.items():
            row = by_pk.get(pk)
            expected = (tag.article, tag.label, tag.start, tag.end, tag.note, tag.deleted)
            found = row and (
                row["article"],
                row["label"],
                row["start"],
                row["end"],
                row["note"],
                row["deleted"],
            )
            if found != expected:
                lost += 1
                problems.append(f"{annotator.username} tag {pk}: logged {expected}, stored {found}")
        for row in rows:
            if row["pk"] not in annotator.tags and not row["deleted"]:
                duplicated += 1
                problems.append(f"{annotator.username} tag {row['pk']}: stored, never confirmed")
        spans = defaultdict(int)
        for row in rows:
            if not row["deleted"]:
                spans[(row["article"], row["label"], row["start"], row["end"])] += 1
        for span, count in spans.items():
            if count > 1:
                duplicated += count - 1
                problems.append(f"{annotator.username}: {count} live tags for {span}")
    confirmed = sum(not t.deleted for a in annotators for t in a.tags.values())
    return {
        "lost": lost,
        "duplicated": duplicated,
        "confirmed_live_tags": confirmed,
        "problems": problems[:50],
    }


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def figures(annotators: list[Annotator], wall: float) -> dict:
    """Per action: count, p50 and p95 in ms; statuses; 5xx and failed requests."""
    by_action: dict[str, list[float]] = defaultdict(list)
    statuses: dict[str, int] = defaultdict(int)
    for annotator in annotators:
        for action, status, ms in annotator.requests:
            by_action[action].append(ms)
            statuses[str(status)] += 1
    actions = {
        action: {
            "count": len(values),
            "p50_ms": round(statistics.median(values), 1),
            "p95_ms": round(_percentile(values, 0.95), 1),
        }
        for action, values in sorted(by_action.items())
    }
    total = sum(len(v) for v in by_action.values())
    return {
        "annotators": len(annotators),
        "seconds": round(wall, 1),
        "requests": total,
        "requests_per_second": round(total / wall, 1) if wall else 0,
        "actions": actions,
        "statuses": dict(sorted(statuses.items())),
        "server_errors": sum(n for s, n in statuses.items() if s.startswith("5")),
        "no_response": statuses.get("0", 0),
        "errors": [e for a in annotators for e in a.errors][:50],
    }
