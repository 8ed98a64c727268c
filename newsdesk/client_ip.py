"""The address a request came from, for the login lockout.

Behind N trusted reverse proxies (``NEWSDESK_TRUSTED_PROXIES=N``) each proxy appends the
address it received the request from to ``X-Forwarded-For``, so the client is the N-th entry
from the right: entries further left were written by the client and can be forged. With no
trusted proxy (the default) the header is ignored and the socket's address is used.
"""

from ipaddress import ip_address

from django.conf import settings


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.NEWSDESK_TRUSTED_PROXIES
    if not proxies:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    if len(hops) < proxies:
        # Fewer hops than proxies: the request did not come through all of them.
        return remote
    candidate = hops[-proxies]
    try:
        return str(ip_address(candidate))
    except ValueError:
        return remote
