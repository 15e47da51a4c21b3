"""Login lockout behind a proxy (issue 13.6): the client's address comes from the trusted proxy's entry of
X-Forwarded-For, never from what the client wrote, and a lockout holds one (user name, address) pair only."""
import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse

from tracker.client_ip import client_ip

PASSWORD = "S3cure-pass-2026"
PROXY = "10.0.0.2"  # the nginx in front: every request reaches the application from it
LEADER_IP = "203.0.113.7"
ATTACKER_IP = "198.51.100.9"


@pytest.fixture
def leader(make_user):
    return make_user("lanhdao", "leadership")


def _login(password, remote=PROXY, forwarded=None, username="lanhdao"):
    """A login as it reaches the application: from REMOTE_ADDR, with X-Forwarded-For as the proxy passed it on."""
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client().post(reverse("login"), {"username": username, "password": password}, **headers)


def _fail(times, **request):
    """`times` wrong passwords; the one that reaches the limit is answered with the lockout page itself."""
    for attempt in range(1, times + 1):
        expected = 429 if attempt >= settings.AXES_FAILURE_LIMIT else 200
        assert _login("sai-mat-khau", **request).status_code == expected


# ---- the address ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "remote", "forwarded", "expected"),
    [
        # No proxy: the connection's address; whatever the client writes in the header is ignored.
        (0, "192.0.2.1", None, "192.0.2.1"),
        (0, "192.0.2.1", LEADER_IP, "192.0.2.1"),
        # One proxy: the entry it appended, the right-most; the client's own entries to its left are never read.
        (1, PROXY, LEADER_IP, LEADER_IP),
        (1, PROXY, f"{LEADER_IP}, {ATTACKER_IP}", ATTACKER_IP),
        (1, PROXY, f"1.2.3.4,{LEADER_IP} , {ATTACKER_IP}", ATTACKER_IP),
        (1, PROXY, f"not-an-address, {ATTACKER_IP}", ATTACKER_IP),
        (1, PROXY, "2001:DB8::1", "2001:db8::1"),
        # Two proxies: the second appended the first's address; the client is the entry the first appended.
        (2, PROXY, f"{LEADER_IP}, {ATTACKER_IP}, 10.0.0.3", ATTACKER_IP),
        (2, PROXY, f"{ATTACKER_IP}, 10.0.0.3", ATTACKER_IP),
        # Fewer entries than proxies (the request skipped a proxy): the connection's address, which cannot be forged.
        (2, "192.0.2.1", LEADER_IP, "192.0.2.1"),
        (1, "192.0.2.1", None, "192.0.2.1"),
        (1, "192.0.2.1", " , ", "192.0.2.1"),
        # The proxy's entry is no address (a misconfigured proxy): the connection's address.
        (1, "192.0.2.1", f"{LEADER_IP}, garbage", "192.0.2.1"),
    ],
)
def test_the_client_address_is_the_entry_the_first_trusted_proxy_appended(settings, count, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_ip(RequestFactory().get("/", **headers)) == expected


def test_django_axes_asks_the_tracker_for_the_address():
    from axes.helpers import get_client_ip_address

    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=LEADER_IP)
    assert settings.AXES_CLIENT_IP_CALLABLE == "tracker.client_ip.client_ip"
    assert get_client_ip_address(request) == client_ip(request)


# ---- the lockout behind one proxy ---------------------------------------------------------------------------------


@pytest.fixture
def one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def test_a_forged_header_does_not_lock_the_leader_out_of_their_own_address(one_proxy, leader):
    # The attacker writes the leader's address in X-Forwarded-For; the proxy appends the attacker's real address.
    _fail(settings.AXES_FAILURE_LIMIT, forwarded=f"{LEADER_IP}, {ATTACKER_IP}")
    assert _login(PASSWORD, forwarded=f"{LEADER_IP}, {ATTACKER_IP}").status_code == 429  # the attacker is locked
    assert _login(PASSWORD, forwarded=LEADER_IP).status_code == 302  # the leader, from their address, is not


def test_rewriting_the_forged_header_does_not_free_a_locked_attacker(one_proxy, leader):
    _fail(settings.AXES_FAILURE_LIMIT, forwarded=ATTACKER_IP)
    for forged in ("192.0.2.50", LEADER_IP, "2001:db8::9"):
        assert _login(PASSWORD, forwarded=f"{forged}, {ATTACKER_IP}").status_code == 429


def test_failures_from_one_address_lock_only_that_user_at_that_address(one_proxy, leader, make_user):
    make_user("chuyenvien", "staff")
    _fail(settings.AXES_FAILURE_LIMIT, forwarded=LEADER_IP)
    assert _login(PASSWORD, forwarded=LEADER_IP).status_code == 429  # (lanhdao, leader's address): locked
    assert _login(PASSWORD, forwarded=ATTACKER_IP).status_code == 302  # the same user from another address
    assert _login(PASSWORD, forwarded=LEADER_IP, username="chuyenvien").status_code == 302  # another user there


def test_one_failure_short_of_the_limit_at_an_address_still_lets_the_leader_in(one_proxy, leader):
    _fail(settings.AXES_FAILURE_LIMIT - 1, forwarded=LEADER_IP)
    assert _login(PASSWORD, forwarded=LEADER_IP).status_code == 302


# ---- without a proxy ----------------------------------------------------------------------------------------------


def test_without_a_proxy_the_header_is_ignored_and_the_connection_address_is_locked(settings, leader):
    settings.TRUSTED_PROXY_COUNT = 0
    _fail(settings.AXES_FAILURE_LIMIT, remote=ATTACKER_IP, forwarded=LEADER_IP)
    assert _login(PASSWORD, remote=ATTACKER_IP, forwarded="192.0.2.50").status_code == 429
    assert _login(PASSWORD, remote=LEADER_IP).status_code == 302
