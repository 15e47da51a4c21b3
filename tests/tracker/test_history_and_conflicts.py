"""Change history in words, and no lost updates when two people edit the same object."""
from datetime import date

from django.test import Client
from django.urls import reverse

from tracker.generic import submitted_value

from projects.models import CapitalReport


def _form_data(client, url):
    """What the browser would send back: each field as its widget shows it (money as 1.234,5, dates dd/mm/yyyy)."""
    form = client.get(url).context["form"]
    values = {name: submitted_value(form, name) for name in form.fields}
    return {name: value for name, value in values.items() if value is not None}


def test_history_tab_shows_field_changes_in_vietnamese_with_who_and_why(staff_client, project):
    url = reverse("projects:update", args=[project.pk])
    data = _form_data(staff_client, url)
    data.update(registered_capital_vnd="1.234,5", irc_date="15/05/2024", status="land_handed_over",
                change_reason="Nhà đầu tư tăng vốn")
    assert staff_client.post(url, data).status_code == 302
    CapitalReport.objects.create(project=project, year=2025, period="Q1", implemented_capital_vnd=10**9)
    html = staff_client.get(reverse("projects:history", args=[project.pk])).content.decode()
    assert "Vốn đăng ký" in html and "100 tỷ đồng" in html and "1.234,5 tỷ đồng" in html
    assert "01/03/2024" in html and "15/05/2024" in html
    assert "Đã đăng ký" in html and "Đã bàn giao đất" in html
    assert "Nhà đầu tư tăng vốn" in html and "chuyenvien" in html
    assert "Báo cáo vốn" in html  # the project's records are in its history too
    detail = staff_client.get(project.get_absolute_url()).content.decode()
    assert "sửa lần cuối bởi chuyenvien" in detail


def test_cluster_and_investor_history_pages(staff_client, cluster, investor):
    for url in (reverse("clusters:history", args=[cluster.pk]), reverse("investors:history", args=[investor.pk])):
        response = staff_client.get(url)
        assert response.status_code == 200 and response.context["entries"]


def test_second_editor_is_refused_with_what_changed_and_keeps_their_input(make_user, project):
    first, second = Client(), Client()
    first.force_login(make_user("an", "staff"))
    second.force_login(make_user("binh", "staff"))
    url = reverse("projects:update", args=[project.pk])
    data_first, data_second = _form_data(first, url), _form_data(second, url)  # both open the form

    data_first.update(name="Tên do An sửa", construction_start_deadline="01/06/2025")
    response = first.post(url, data_first)
    assert response.status_code == 302, response.context["form"].errors

    data_second.update(name="Tên do Bình sửa", workers="120")
    response = second.post(url, data_second)
    assert response.status_code == 200
    project.refresh_from_db()
    assert project.name == "Tên do An sửa" and project.workers == 0  # nothing of Bình's overwrote An's
    html = response.content.decode()
    assert "an đã lưu bản ghi này" in html
    assert "Tên dự án: Dự án thử 1 → Tên do An sửa" in html
    assert "Hạn khởi công: — → 01/06/2025" in html
    assert 'value="Tên do Bình sửa"' in html and 'value="120"' in html  # Bình's input is kept

    # Saving again, having seen the change, applies Bình's input on top of the current version.
    form = response.context["form"]
    resubmit = {name: submitted_value(form, name) for name in form.fields}
    assert second.post(url, {k: v for k, v in resubmit.items() if v is not None}).status_code == 302
    project.refresh_from_db()
    assert project.name == "Tên do Bình sửa" and project.workers == 120
    assert project.construction_start_deadline == date(2025, 6, 1)
    assert project.version == 3


def test_an_edit_from_an_old_version_of_a_cluster_is_refused(staff_client, cluster):
    url = reverse("clusters:update", args=[cluster.pk])
    data = _form_data(staff_client, url)
    data["version"] = cluster.version
    data["name"] = "Lần 1"
    assert staff_client.post(url, data).status_code == 302
    data["name"] = "Lần 2 từ bản cũ"
    response = staff_client.post(url, data)
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    cluster.refresh_from_db()
    assert cluster.name == "Lần 1"


def _conflict_block(html):
    import re

    match = re.search(r'<div[^>]*id="conflict".*?</div>', html, flags=re.S)
    assert match, "no conflict notice on the page"
    return match.group(0)


def _breadcrumb(html):
    import re

    return re.search(r'<ol class="breadcrumb">.*?</ol>', html, flags=re.S).group(0)


def test_the_conflict_lists_only_the_other_persons_changes_as_the_page_shows_amounts(make_user, project):
    import re

    from projects.services import project_record_create

    first, second = Client(), Client()
    first.force_login(make_user("an", "staff"))
    second.force_login(make_user("binh", "staff"))
    url = reverse("projects:update", args=[project.pk])
    data_first, data_second = _form_data(first, url), _form_data(second, url)
    # Meanwhile a capital report is recorded: it moves the project's derived "capital implemented to date", a
    # change neither An nor Bình made in this form.
    project_record_create(model=CapitalReport, project=project, year=2024, period="H1", implemented_capital_vnd=20 * 10**9)
    data_first.update(name="Tên do An sửa", registered_capital_vnd="150")
    assert first.post(url, data_first).status_code == 302

    data_second.update(name="Tên do Bình sửa", workers="120")
    response = second.post(url, data_second)
    assert response.status_code == 200
    html = response.content.decode()
    notice = _conflict_block(html)
    changes = re.findall(r"<li>(.*?)</li>", notice)
    assert changes == ["Tên dự án: Dự án thử 1 → Tên do An sửa", "Vốn đăng ký: 100 tỷ đồng → 150 tỷ đồng"]
    assert "(VND)" not in notice and "thực hiện" not in notice
    # What happened and what to do; no field is wrong, so no "correct the errors below".
    assert "an đã lưu bản ghi này" in notice and "chưa được lưu" in notice and "bấm Lưu" in notice
    assert "sửa các lỗi bên dưới" not in html
    # The breadcrumb names the project as saved (An's name), not Bình's unsaved one that the form keeps.
    assert "Tên do An sửa" in _breadcrumb(html) and "Tên do Bình sửa" not in _breadcrumb(html)
    assert 'value="Tên do Bình sửa"' in html


def test_a_field_error_still_asks_to_correct_it_and_the_breadcrumb_keeps_the_saved_name(staff_client, project):
    url = reverse("projects:update", args=[project.pk])
    data = _form_data(staff_client, url)
    data.update(name="Tên chưa lưu", registered_capital_vnd="không phải số")
    html = staff_client.post(url, data).content.decode()
    assert "sửa các lỗi bên dưới" in html and 'id="conflict"' not in html
    assert project.name in _breadcrumb(html) and "Tên chưa lưu" not in _breadcrumb(html)


def test_the_conflict_names_everyone_who_saved_meanwhile(make_user, cluster):
    clients = {}
    for name in ("an", "chi", "binh"):
        clients[name] = Client()
        clients[name].force_login(make_user(name, "staff"))
    url = reverse("clusters:update", args=[cluster.pk])
    opened = {name: _form_data(client, url) for name, client in clients.items()}
    opened["an"]["name"] = "Tên của An"
    assert clients["an"].post(url, opened["an"]).status_code == 302
    refreshed = _form_data(clients["chi"], url)
    refreshed["developer_name"] = "Công ty Hạ tầng Chi"
    assert clients["chi"].post(url, refreshed).status_code == 302
    opened["binh"]["name"] = "Tên của Bình"
    notice = _conflict_block(clients["binh"].post(url, opened["binh"]).content.decode())
    assert "an, chi đã lưu bản ghi này" in notice
    assert "Tên của An" in notice and "Công ty Hạ tầng Chi" in notice
