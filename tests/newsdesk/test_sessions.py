"""newsdesk.sessions: Django's database sessions loaded with written-out SQL; what Django's
own backend stored loads, and expiry, tampering and logout hold as before."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends import db as django_db
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from newsdesk.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_session_stored_by_djangos_backend_loads():
    theirs = django_db.SessionStore()
    theirs["answer"] = 42
    theirs.save()
    ours = SessionStore(theirs.session_key)
    assert ours["answer"] == 42
    ours["more"] = "yes"
    ours.save()
    assert django_db.SessionStore(theirs.session_key).load() == {"answer": 42, "more": "yes"}


def test_an_expired_session_is_not_loaded_and_gets_a_new_key():
    store = SessionStore()
    store["answer"] = 42
    store.save()
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.load() == {}
    assert expired.session_key is None


def test_tampered_data_loads_as_an_empty_session():
    store = SessionStore()
    store["user"] = "alice"
    store.save()
    Session.objects.filter(pk=store.session_key).update(session_data="forged:data")
    assert SessionStore(store.session_key).load() == {}


def test_login_and_logout_go_through_it(alice, settings):
    assert settings.SESSION_ENGINE == "newsdesk.sessions"
    client = Client()
    client.force_login(alice)
    assert client.get("/").status_code == 200
    cookie = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    assert not Session.objects.filter(pk=cookie).exists()
    replay = Client()
    replay.cookies["sessionid"] = cookie
    assert replay.get("/").status_code == 302  # the old cookie opens nothing
