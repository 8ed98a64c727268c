"""newsdesk.auth.UserBackend: Django's ModelBackend with each request's user read
written-out; logins store it, sessions made with ModelBackend go on working, a refused
login hashes the password once and is counted once, and Django's session checks hold."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.test import Client
from django.urls import reverse

from newsdesk.auth import UserBackend

pytestmark = pytest.mark.django_db

OURS = "newsdesk.auth.UserBackend"
DJANGOS = "django.contrib.auth.backends.ModelBackend"
HOME = reverse("newsdesk:article-list")


@pytest.fixture(autouse=True)
def quick_hashes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def log_in(client, password):
    return client.post(reverse("login"), {"username": "alice", "password": password})


def signed_in_as(client):
    return client.get(HOME).wsgi_request.user


def test_a_login_stores_this_backend_and_loads_the_user_the_orm_loads(alice):
    client = Client()
    log_in(client, "alice-password-1")
    assert client.session[BACKEND_SESSION_KEY] == OURS
    user = signed_in_as(client)
    assert user.is_authenticated and user.pk == alice.pk
    stored = type(alice).objects.get(pk=alice.pk)
    fields = type(alice)._meta.concrete_fields
    assert {f.attname: getattr(user, f.attname) for f in fields} == {
        f.attname: getattr(stored, f.attname) for f in fields
    }


def test_a_session_made_with_djangos_backend_still_works(alice):
    client = Client()
    client.force_login(alice, backend=DJANGOS)
    assert client.session[BACKEND_SESSION_KEY] == DJANGOS
    assert signed_in_as(client).pk == alice.pk


def test_a_refused_login_hashes_once_and_counts_once(alice, monkeypatch):
    checked = []
    original = ModelBackend.authenticate

    def counting(self, *args, **kwargs):
        checked.append(type(self).__name__)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counting)
    client = Client()
    response = log_in(client, "wrong")
    assert response.status_code == 200 and SESSION_KEY not in client.session
    assert checked == ["UserBackend"]  # ModelBackend, listed after, never asked
    assert AccessAttempt.objects.get(username="alice").failures_since_start == 1
    log_in(client, "alice-password-1")
    assert checked == ["UserBackend", "UserBackend"]
    assert signed_in_as(client).pk == alice.pk


def test_an_inactive_user_or_a_changed_password_signs_the_session_out(alice):
    client = Client()
    log_in(client, "alice-password-1")
    alice.is_active = False
    alice.save()
    assert not signed_in_as(client).is_authenticated
    alice.is_active = True
    alice.save()
    log_in(client, "alice-password-1")
    assert signed_in_as(client).is_authenticated
    alice.set_password("another-password-2")
    alice.save()
    assert not signed_in_as(client).is_authenticated


@pytest.mark.parametrize("user_id", ["x", "", None, 2**63, -1, 0, 10**6])
def test_a_session_naming_no_user_loads_none(user_id):
    assert UserBackend().get_user(user_id) is None
