"""Login lockout (django-axes): per account and address, with a clear page and an unlock."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import checks
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")


@pytest.fixture(autouse=True)
def quick_hashes(settings):
    """Hashing is not what these tests are about: scrypt costs ~155 ms a login."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def log_in(client, username, password, address="127.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in_as(client):
    return client.session.get("_auth_user_id")


def fail(client, username, times, address="127.0.0.1"):
    return [log_in(client, username, "wrong", address).status_code for _ in range(times)]


def test_django_axes_checks_pass_on_this_django():
    problems = [m for m in checks.run_checks() if m.id and m.id.startswith("axes")]
    assert problems == []


def test_it_locks_an_account_after_five_failures_from_one_address(client, alice):
    assert fail(client, "alice", 5) == [200, 200, 200, 200, 429]
    response = log_in(client, "alice", "alice-password-1")
    assert response.status_code == 429
    assert logged_in_as(client) is None
    page = response.content.decode()
    assert "This account is locked" in page and "after 5 failed logins in a row" in page
    assert "Try again after" in page and "or ask a staff member to unlock it now" in page
    attempt = AccessAttempt.objects.get(username="alice")
    assert (attempt.ip_address, attempt.failures_since_start) == ("127.0.0.1", 5)


def test_the_page_names_the_time_to_retry(client, alice, settings):
    settings.TIME_ZONE = "UTC"
    fail(client, "alice", 5)
    attempt = AccessAttempt.objects.get(username="alice")
    retry = attempt.attempt_time + timedelta(minutes=15)
    page = log_in(client, "alice", "alice-password-1").content.decode()
    assert f"Try again after {retry:%H:%M} (UTC, in 14\xa0minutes" in page or (
        f"Try again after {retry:%H:%M} (UTC, in 15\xa0minutes" in page
    )


def test_trying_again_during_the_lockout_does_not_make_it_longer(client, alice):
    fail(client, "alice", 5)
    locked_at = AccessAttempt.objects.get(username="alice").attempt_time
    fail(client, "alice", 3)
    attempt = AccessAttempt.objects.get(username="alice")
    assert (attempt.attempt_time, attempt.failures_since_start) == (locked_at, 5)


def test_the_lock_ends_after_the_cool_off(client, alice):
    fail(client, "alice", 5)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    assert log_in(client, "alice", "alice-password-1").status_code == 302
    assert logged_in_as(client) == str(alice.pk)


def test_without_a_cool_off_only_staff_unlock(client, alice, settings):
    settings.AXES_COOLOFF_TIME = None
    fail(client, "alice", 5)
    page = log_in(client, "alice", "alice-password-1").content.decode()
    assert "It stays locked until a staff member unlocks it: ask one." in page


def test_the_lock_is_per_account_and_address(client, alice, bob):
    fail(client, "alice", 5)
    assert log_in(client, "bob", "bob-password-1").status_code == 302  # same address
    other = Client()
    assert log_in(other, "alice", "alice-password-1", address="10.0.0.7").status_code == 302
    assert logged_in_as(other) == str(alice.pk)
    assert log_in(Client(), "alice", "alice-password-1").status_code == 429


def test_many_annotators_logging_in_from_one_address_are_never_locked_out(
    django_user_model,
):
    """A load test logs in many users from 127.0.0.1, some mistyping now and then."""
    for n in range(20):
        django_user_model.objects.create_user(f"coder{n}", password=f"coder-password-{n}")
    for n in range(20):
        client = Client()
        fail(client, f"coder{n}", 2)
        assert log_in(client, f"coder{n}", f"coder-password-{n}").status_code == 302
        assert logged_in_as(client) is not None


def test_a_successful_login_starts_the_count_again(client, alice):
    fail(client, "alice", 4)
    assert log_in(client, "alice", "alice-password-1").status_code == 302
    client.logout()
    assert fail(client, "alice", 4) == [200, 200, 200, 200]
    assert log_in(client, "alice", "alice-password-1").status_code == 302


def test_staff_unlock_an_account_in_the_admin(client, alice, staff):
    fail(client, "alice", 5)
    admin = Client()
    admin.force_login(staff)
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert "alice" in admin.get(changelist).content.decode()
    response = admin.post(
        changelist,
        {
            "action": "delete_selected",
            "_selected_action": [AccessAttempt.objects.get().pk],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert log_in(client, "alice", "alice-password-1").status_code == 302
    assert logged_in_as(client) == str(alice.pk)


def test_the_admin_login_is_locked_too(client, staff):
    url = reverse("admin:login")
    for _ in range(5):
        response = client.post(url, {"username": "editor", "password": "wrong"})
    assert response.status_code == 429
    response = client.post(url, {"username": "editor", "password": "editor-password-1"})
    assert response.status_code == 429 and logged_in_as(client) is None


def through_proxy(client, username, password, forwarded_for):
    return client.post(
        LOGIN,
        {"username": username, "password": password},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_behind_a_trusted_proxy_a_lockout_is_per_client_address(client, alice, settings):
    settings.NEWSDESK_TRUSTED_PROXIES = 1
    codes = [through_proxy(client, "alice", "wrong", "203.0.113.9").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 200, 429]
    assert AccessAttempt.objects.get(username="alice").ip_address == "203.0.113.9"
    # Alice herself, from her own address through the same proxy, still gets in.
    response = through_proxy(Client(), "alice", "alice-password-1", "198.51.100.4")
    assert response.status_code == 302


def test_a_forged_left_entry_does_not_move_the_lock_to_another_address(client, alice, settings):
    """The attacker writes X-Forwarded-For himself; the proxy appends the real address."""
    settings.NEWSDESK_TRUSTED_PROXIES = 1
    for n in range(5):
        through_proxy(client, "alice", "wrong", f"198.51.100.{n}, 203.0.113.9")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.9"]
    assert through_proxy(client, "alice", "alice-password-1", "203.0.113.9").status_code == 429


def test_without_a_trusted_proxy_the_header_is_ignored(client, alice, settings):
    settings.NEWSDESK_TRUSTED_PROXIES = 0
    through_proxy(client, "alice", "wrong", "203.0.113.9")
    assert AccessAttempt.objects.get(username="alice").ip_address == "10.0.0.2"
