"""The client's address as the login lockout (django-axes, AXES_CLIENT_IP_CALLABLE) sees it.

Behind TRUSTED_PROXY_COUNT trusted proxies (environment variable AXES_PROXY_COUNT), each proxy appends the
address it received the request from to X-Forwarded-For, so the client's address is the entry the first trusted
proxy appended: the N-th from the right. Everything left of it was sent by the client and may be forged, so it is
never read. With a count of 0 X-Forwarded-For is ignored and the address is that of the connection (REMOTE_ADDR).

django-ipware is not used: its `proxy_count` counts the proxies listed inside X-Forwarded-For, so with a count of
1 and one nginx in front (which lists only the client) it finds no address at all, and with the left-most order it
reads the forged entry.
"""
import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The address a lockout is keyed on: the entry the first trusted proxy appended, else REMOTE_ADDR."""
    remote = _valid(request.META.get("REMOTE_ADDR", ""))
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [entry for entry in forwarded if entry]
    if len(forwarded) < count:
        # The request did not pass through every trusted proxy (it reached the application directly, or a proxy
        # is misconfigured): the connection's own address is the only one that cannot be forged.
        return remote
    return _valid(forwarded[-count]) or remote


def _valid(value: str) -> str | None:
    """The address in its canonical spelling, or None when it is no IP address."""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None
