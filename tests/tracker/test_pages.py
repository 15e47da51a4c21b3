"""Login and logout pages, the language switch, the error pages."""
import pytest
from django.test import Client
from django.urls import reverse


def test_login_page_is_styled_and_logs_in(client, staff_user):
    response = client.get(reverse("login"))
    assert response.status_code == 200 and b"bootstrap.min.css" in response.content
    response = client.post(reverse("login"), {"username": "chuyenvien", "password": "S3cure-pass-2026"})
    assert response.status_code == 302 and response.url == reverse("home")


def test_wrong_password_keeps_the_username(client, staff_user):
    response = client.post(reverse("login"), {"username": "chuyenvien", "password": "wrong"})
    assert response.status_code == 200
    assert b'value="chuyenvien"' in response.content


def test_logout_is_a_post(staff_client):
    response = staff_client.post(reverse("logout"))
    assert response.status_code == 302
    assert staff_client.get(reverse("home")).status_code == 302


def test_interface_is_vietnamese_by_default_and_english_on_request(staff_client):
    response = staff_client.get(reverse("projects:list"), HTTP_ACCEPT_LANGUAGE="en-US")
    assert response["Content-Language"] == "vi"
    assert "Dự án thứ cấp" in response.content.decode()
    staff_client.post(reverse("set_language"), {"language": "en", "next": "/projects/"})
    response = staff_client.get(reverse("projects:list"))
    assert response["Content-Language"] == "en"
    assert "Secondary projects" in response.content.decode()


def test_unknown_page_is_404_in_the_site_style(staff_client):
    response = staff_client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_server_error_shows_the_error_page_not_a_traceback(staff_user, monkeypatch):
    import projects.views

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(projects.views, "project_get", broken)
    client = Client(raise_request_exception=False)
    client.force_login(staff_user)
    response = client.get(reverse("projects:detail", args=[1]))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Đã xảy ra lỗi" in html and "Traceback" not in html and "boom" not in html


@pytest.mark.parametrize("path", ["/admin/", "/admin/projects/project/"])
def test_admin_is_for_superusers_only(staff_client, path):
    response = staff_client.get(path)
    assert response.status_code == 302 and "/admin/login/" in response.url


@pytest.mark.parametrize(
    "path",
    ["/admin/", "/admin/auth/group/", "/admin/auth/user/", "/admin/projects/project/", "/admin/projects/project/add/",
     "/admin/clusters/cluster/", "/admin/axes/accessattempt/"],
)
def test_admin_pages_work_for_a_superuser(admin_client, path):
    assert admin_client.get(path).status_code == 200


def _form_pages_without_arguments():
    """Every page of the site whose path ends in new/ and takes no argument: the forms that create something."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                space = pattern.namespace or namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), space)
            elif isinstance(pattern, URLPattern) and pattern.name and not pattern.pattern.converters:
                route = prefix + str(pattern.pattern)
                if route.endswith("new/") and "<" not in route and not route.startswith("admin"):
                    yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return sorted(set(walk(get_resolver().url_patterns, "", None)))


def test_no_form_offers_djangos_dashes_for_an_empty_choice(admin_client):
    """A select's empty choice reads "— Chọn —", not "---------" (tracker.forms.tracker_formfield)."""
    pages = _form_pages_without_arguments()
    assert len(pages) >= 10 and "industry:obstacle_create" in pages
    seen_choose = []
    for name in pages:
        response = admin_client.get(reverse(name))
        html = response.content.decode()
        assert response.status_code == 200 and "---------" not in html, name
        if "— Chọn —" in html:
            seen_choose.append(name)
    assert "industry:obstacle_create" in seen_choose
