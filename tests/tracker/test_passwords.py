"""Passwords: a user changes their own, an administrator asks for a change (every page leads to the change page
until it is done), and a forgotten password is reset through a link sent by e-mail, valid PASSWORD_RESET_TIMEOUT."""
import re
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from clusters.models import Cluster
from tracker.models import PasswordState

OLD = "S3cure-pass-2026"  # make_user's password
NEW = "Mat-khau-moi-2026"
CHANGE = "/account/password/"
RESET = "/account/password/reset/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the reset limits count in the cache
    yield
    cache.clear()


@pytest.fixture
def user(make_user):
    return make_user("chuyenvien", "staff", email="chuyenvien@soct.example.vn", first_name="Lan")


def _login(client, password, username="chuyenvien"):
    return client.post(reverse("login"), {"username": username, "password": password})


def _logged_in(client=None, password=OLD):
    client = client or Client()
    assert _login(client, password).status_code == 302
    return client


def _change(client, old, new1, new2=None, **extra):
    data = {"old_password": old, "new_password1": new1, "new_password2": new2 or new1, **extra}
    return client.post(CHANGE, data)


# ---- the user changes their own password ---------------------------------------------------------------------------


def test_the_user_menu_links_to_the_change_page(user):
    html = _logged_in().get(reverse("home")).content.decode()
    assert f'href="{CHANGE}"' in html and 'aria-label="Đổi mật khẩu"' in html


def test_a_wrong_old_password_is_refused_in_vietnamese_and_no_password_is_sent_back(user):
    client = _logged_in()
    response = _change(client, "not-my-password", NEW)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mật khẩu cũ không đúng. Hãy nhập lại." in html
    assert 'aria-invalid="true"' in html and "mật khẩu không bao giờ được giữ lại" in html
    for typed in ("not-my-password", NEW):
        assert typed not in html
    assert _login(Client(), OLD).status_code == 302  # nothing changed


def test_the_new_password_needs_8_characters_7_are_refused_in_vietnamese(user):
    client = _logged_in()
    response = _change(client, OLD, "Qv7#tzk")
    assert "Mật khẩu này quá ngắn. Mật khẩu phải có ít nhất 8 ký tự." in response.content.decode()
    assert "too short" not in response.content.decode()
    assert _change(client, OLD, "Qv7#tzkw").status_code == 302


def test_two_different_new_passwords_are_refused_in_vietnamese(user):
    response = _change(_logged_in(), OLD, NEW, NEW + "x")
    assert "Hai trường mật khẩu không giống nhau." in response.content.decode()


def test_a_good_change_keeps_the_session_and_only_the_new_password_logs_in(user):
    client = _logged_in()
    response = _change(client, OLD, NEW)
    assert response.status_code == 302 and response.url == reverse("password_change_done")
    assert "Đã đổi mật khẩu." in client.get(response.url).content.decode()
    assert client.get(reverse("projects:list")).status_code == 200  # still logged in here
    state = PasswordState.objects.get(user=user)
    assert state.changed_at is not None and not state.must_change
    assert _login(Client(), OLD).status_code == 200  # the login form again
    assert _login(Client(), NEW).status_code == 302


def test_the_change_page_is_for_logged_in_users_only(user):
    response = Client().get(CHANGE)
    assert response.status_code == 302 and response.url.startswith("/login/")


# ---- an administrator asks for a change ----------------------------------------------------------------------------


@pytest.fixture
def admin_client(make_user):
    admin = make_user("quantri", None, is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin)
    return client, admin


def test_the_admin_action_asks_for_a_change_and_the_history_keeps_who_asked(user, admin_client):
    client, admin = admin_client
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "require_password_change", "_selected_action": [user.pk]},
        follow=True,
    )
    assert "1 người dùng sẽ được yêu cầu đổi mật khẩu" in response.content.decode()
    state = PasswordState.objects.get(user=user)
    assert state.must_change
    asked = state.history.filter(must_change=True).get()
    assert asked.history_user == admin and asked.history_change_reason == "Quản trị viên yêu cầu đổi mật khẩu"
    # Asking again counts nobody new and writes no second history row.
    client.post(reverse("admin:auth_user_changelist"), {"action": "require_password_change", "_selected_action": [user.pk]})
    assert state.history.filter(must_change=True).count() == 1


def test_the_users_admin_page_has_the_checkbox_and_the_action_is_in_vietnamese(user, admin_client):
    client, _admin = admin_client
    html = client.get(reverse("admin:auth_user_change", args=[user.pk])).content.decode()
    assert 'name="password_state-0-must_change"' in html and "Phải đổi mật khẩu" in html
    html = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "Yêu cầu đổi mật khẩu" in html


def test_a_user_asked_to_change_is_sent_to_the_change_page_from_every_page_but_the_exempt_ones(user, cluster):
    client = _logged_in()
    PasswordState.objects.create(user=user, must_change=True)
    for url in ("/", "/projects/", f"/clusters/{cluster.pk}/", "/watchlist/", "/reports/", "/admin/", "/imports/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url == f"{CHANGE}?next={url.replace('/', '%2F')}", url
    # A form posted meanwhile is not taken.
    response = client.post(reverse("clusters:create"), {"code": "CCN-X", "name": "Cụm lén"})
    assert response.status_code == 302 and response.url == CHANGE
    assert not Cluster.objects.filter(code="CCN-X").exists()
    # htmx is told to load the page whole.
    assert client.get("/projects/", HTTP_HX_REQUEST="true")["HX-Redirect"].startswith(CHANGE)
    # What stays open: the change page itself (saying why), the health check, static files, the language, logout.
    page = client.get(CHANGE)
    assert page.status_code == 200 and "Quản trị viên đã yêu cầu bạn đổi mật khẩu" in page.content.decode()
    assert client.get(reverse("healthz")).status_code in (200, 503)  # its own answer, not a redirect
    assert client.get("/static/css/tracker.css").status_code in (200, 404)
    assert client.post(reverse("set_language"), {"language": "vi", "next": CHANGE}).url == CHANGE
    assert client.post(reverse("logout")).url == reverse("login")


def test_the_change_clears_the_request_goes_back_to_the_page_asked_for_and_is_in_the_history(user):
    client = _logged_in()
    PasswordState.objects.create(user=user, must_change=True)
    response = client.get("/projects/")
    assert response.url == f"{CHANGE}?next=%2Fprojects%2F"
    assert 'name="next" value="/projects/"' in client.get(response.url).content.decode()
    response = _change(client, OLD, NEW, next="/projects/")
    assert response.status_code == 302 and response.url == "/projects/"
    page = client.get("/projects/")
    assert page.status_code == 200 and "Đã đổi mật khẩu." in page.content.decode()
    assert client.get("/").status_code == 200
    state = PasswordState.objects.get(user=user)
    assert not state.must_change
    assert state.history.first().history_change_reason == "Người dùng tự đổi mật khẩu"


def test_a_failed_change_keeps_the_request_and_an_outside_next_is_ignored(user):
    client = _logged_in()
    PasswordState.objects.create(user=user, must_change=True)
    _change(client, "wrong", NEW)
    assert client.get("/projects/").status_code == 302
    response = _change(client, OLD, NEW, next="https://evil.example/")
    assert response.url == reverse("password_change_done")


def test_reading_the_request_costs_no_query_of_its_own(user, django_assert_num_queries):
    """The backend joins the password state to the user's query: a page costs the same with and without it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _logged_in()
    with CaptureQueriesContext(connection) as without:
        client.get("/projects/")
    PasswordState.objects.create(user=user, must_change=False)
    with CaptureQueriesContext(connection) as with_state:
        client.get("/projects/")
    assert len(with_state) == len(without)
    assert any('"tracker_passwordstate"' in query["sql"] and '"auth_user"' in query["sql"] for query in without.captured_queries)


# ---- reset by e-mail -----------------------------------------------------------------------------------------------


@pytest.fixture
def ask_reset(django_capture_on_commit_callbacks):
    """Post the reset form; the e-mail leaves once the request's transaction commits (here: at once)."""

    def post(client, email, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(RESET, {"email": email}, **extra)

    return post


def _link(message) -> str:
    [url] = re.findall(r"https?://\S+", message.body)
    return url


def test_the_reset_email_has_a_working_link_and_the_new_password_logs_in(user, ask_reset):
    client = Client()
    assert "Quên mật khẩu?" in client.get(reverse("login")).content.decode()
    response = ask_reset(client, "CHUYENVIEN@soct.example.vn")
    assert response.status_code == 302 and response.url == "/account/password/reset/sent/"
    [message] = mail.outbox
    assert message.to == ["chuyenvien@soct.example.vn"] and message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.subject == "Đặt mật khẩu mới · Theo dõi CCN"
    assert "Chào Lan," in message.body and "Tên đăng nhập của bạn là chuyenvien" in message.body
    assert f"trong {settings.PASSWORD_RESET_TIMEOUT // 3600} giờ" in message.body
    link = _link(message)
    assert link.startswith("http://testserver/account/password/reset/")
    form = client.get(link, follow=True)
    assert "Đặt mật khẩu mới" in form.content.decode() and form.context["validlink"]
    set_url = form.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done.url == "/account/password/reset/done/"
    assert _login(Client(), NEW).status_code == 302
    assert _login(Client(), OLD).status_code == 200
    # The link works once.
    assert not client.get(link, follow=True).context["validlink"]
    assert PasswordState.objects.get(user=user).history.first().history_change_reason == "Đặt lại mật khẩu qua thư điện tử"


def test_an_unknown_email_gets_the_same_answer_and_no_email(user, ask_reset):
    known = ask_reset(Client(), "chuyenvien@soct.example.vn", follow=True)
    unknown = ask_reset(Client(), "ai-do@example.vn", follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    csrf = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')  # each client has its own token
    assert csrf.sub(b"", known.content) == csrf.sub(b"", unknown.content)
    assert len(mail.outbox) == 1
    assert "Nếu có tài khoản mang địa chỉ thư điện tử này" in unknown.content.decode()


def test_a_malformed_email_is_refused_beside_its_field_and_kept(user, ask_reset):
    response = ask_reset(Client(), "khong-phai-email")
    html = response.content.decode()
    assert response.status_code == 200 and 'value="khong-phai-email"' in html
    assert "Nhập một địa chỉ thư điện tử hợp lệ." in html
    assert not mail.outbox


@pytest.fixture
def reset_link(user):
    """A reset link made at a fixed moment, and a way to open it at another."""
    made = datetime(2026, 3, 1, 8, 0, 0)
    original = PasswordResetTokenGenerator._now

    def at(moment):
        PasswordResetTokenGenerator._now = lambda self: moment

    at(made)
    token = default_token_generator.make_token(user)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    yield f"/account/password/reset/{uid}/{token}/", made, at
    PasswordResetTokenGenerator._now = original


@pytest.mark.parametrize("hours", [1, 24])
def test_the_link_works_until_the_last_second_of_password_reset_timeout(reset_link, settings, hours):
    settings.PASSWORD_RESET_TIMEOUT = hours * 3600
    link, made, at = reset_link
    at(made + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT))
    assert Client().get(link, follow=True).context["validlink"]
    at(made + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1))
    page = Client().get(link, follow=True)
    assert not page.context["validlink"]
    assert "Đường dẫn này không còn dùng được" in page.content.decode()


def test_the_timeout_is_read_from_password_reset_hours():
    assert settings.PASSWORD_RESET_TIMEOUT == 24 * 3600  # the documented default


def test_a_reset_unlocks_a_user_locked_out_by_failed_logins(user, ask_reset):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "sai-mat-khau")
    assert _login(client, OLD).status_code == 429  # locked
    ask_reset(client, "chuyenvien@soct.example.vn")
    form = client.get(_link(mail.outbox[0]), follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert _login(client, NEW).status_code == 302  # from the same computer, at once


def test_reset_emails_to_one_address_stop_at_the_limit_whoever_asks(user, ask_reset, settings):
    settings.PASSWORD_RESET_PER_HOUR = 2
    for n in range(3):  # from three computers
        response = ask_reset(Client(REMOTE_ADDR=f"10.0.0.{n + 1}"), "chuyenvien@soct.example.vn")
        assert response.status_code == 302 and response.url.endswith("/sent/")
    assert len(mail.outbox) == 2  # the third got the same page and no e-mail


def test_one_computer_is_refused_past_the_limit_with_a_vietnamese_message(user, ask_reset, settings):
    settings.PASSWORD_RESET_PER_HOUR = 2
    client = Client(REMOTE_ADDR="10.0.0.9")
    for address in ("a@example.vn", "b@example.vn"):
        assert ask_reset(client, address).status_code == 302
    response = ask_reset(client, "chuyenvien@soct.example.vn")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Máy tính này đã yêu cầu đặt lại mật khẩu quá nhiều lần" in html
    assert 'value="chuyenvien@soct.example.vn"' in html  # the input is kept
    assert not mail.outbox
    # Another computer is not held back.
    assert ask_reset(Client(REMOTE_ADDR="10.0.0.10"), "chuyenvien@soct.example.vn").status_code == 302
    assert len(mail.outbox) == 1
