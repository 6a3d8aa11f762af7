"""The citizen portal's pages, through the test client."""

from __future__ import annotations

import pytest
from django.urls import reverse

from yiwang.catalog import services

pytestmark = pytest.mark.django_db


def test_home_shows_search_shortcuts_topics_departments_and_counts(client, catalog):
    response = client.get(reverse("portal:home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "济南市一网通办" in html
    assert 'action="/search/"' in html
    assert "个人办事" in html and "法人办事" in html
    assert "?service_object=person" in html and "?service_object=legal_person" in html
    assert "生育出生" in html and "/static/portal/icons/topics/baby.svg" in html
    assert "济南市市场监督管理局" in html
    assert response.context["service_count"] == 8
    assert response.context["department_count"] == 4
    assert "失业保险金申领" in html  # a fully online service is among the popular ones


def test_home_works_with_an_empty_catalog(client, db):
    response = client.get(reverse("portal:home"))

    assert response.status_code == 200
    assert "尚未发布任何服务" in response.content.decode()


def test_every_page_has_the_language_switcher_skip_link_and_footer(client, catalog):
    for url in [
        reverse("portal:home"),
        reverse("portal:search") + "?q=执照",
        reverse("portal:service_list"),
        reverse("portal:department_list"),
        reverse("portal:topic_list"),
        reverse("portal:service_guide", args=[catalog.food.item.code]),
        reverse("portal:accessibility"),
    ]:
        html = client.get(url).content.decode()
        assert 'action="/i18n/setlang/"' in html, url
        assert 'name="next" value="' in html, url
        assert 'href="#main"' in html, url
        assert "12345" in html, url
        assert reverse("portal:accessibility") in html, url


def test_language_switch_turns_the_page_into_english(client, catalog):
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": reverse("portal:service_list")}
    )
    assert response.status_code == 302
    assert response.url == reverse("portal:service_list")

    html = client.get(reverse("portal:home")).content.decode()

    assert "Jinan One-Stop Services" in html
    assert "Personal services" in html
    assert "Having a baby" in html
    assert "Jinan Administration for Market Regulation" in html
    assert '<html lang="en">' in html

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "济南市一网通办" in client.get(reverse("portal:home")).content.decode()


def test_search_ranks_results_and_shows_their_facts(client, catalog):
    response = client.get(reverse("portal:search"), {"q": "营业执照"})

    assert response.status_code == 200
    results = list(response.context["page"].object_list)
    assert catalog.company in results and catalog.individual in results
    html = response.content.decode()
    assert "济南市市场监督管理局" in html
    assert "全程网办" in html  # visits = 0
    assert "最多跑一次" in html  # the licence change needs one visit
    assert "3 个工作日" in html
    assert "法人" in html
    assert f"{len(results)} 项服务" in html


def test_search_filters_by_applicant_type_department_kind_and_online(client, catalog):
    def found(**params):
        response = client.get(reverse("portal:search"), {"q": "执照", **params})
        assert response.status_code == 200
        return set(response.context["page"].object_list)

    assert found(service_object="person") == {catalog.individual}
    assert catalog.individual not in found(service_object="legal_person")
    assert found(fully_online="1") == {catalog.company, catalog.individual}
    assert found(department="JNGAJ") == set()
    assert catalog.licence_change in found(kind="registration")


def test_search_with_bad_filter_values_explains_instead_of_failing(client, catalog):
    response = client.get(
        reverse("portal:search"),
        {"q": "执照", "department": "NOPE", "kind": "magic", "fully_online": "maybe"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "出现了问题" in html  # the error summary
    assert 'href="#id_department"' in html and 'href="#id_kind"' in html
    assert 'aria-invalid="true"' in html
    assert "“magic”不是可选的值，因此未应用该筛选条件。" in html
    # the invalid filters are dropped, so the query still finds its services
    assert catalog.company in response.context["page"].object_list


def test_search_empty_state_offers_suggestions(client, catalog):
    response = client.get(reverse("portal:search"), {"q": "宇宙飞船"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "没有找到符合条件的服务" in html
    assert reverse("portal:topic_list") in html


def test_search_without_a_query_prompts_for_one(client, catalog):
    response = client.get(reverse("portal:search"))

    assert response.status_code == 200
    assert "您想办理什么" in response.content.decode()


def test_service_list_filters_and_paginates(client, catalog, settings):
    response = client.get(reverse("portal:service_list"))
    assert response.status_code == 200
    assert response.context["result_count"] == 8

    person = client.get(reverse("portal:service_list"), {"service_object": "person"})
    assert "<h1>个人办事</h1>" in person.content.decode()
    assert catalog.food not in person.context["page"].object_list

    topic = client.get(reverse("portal:service_list"), {"topic": "birth"})
    assert set(topic.context["page"].object_list) == {
        catalog.birth_certificate,
        catalog.birth_registration,
    }


def test_service_list_paginates(client, catalog, monkeypatch):
    monkeypatch.setattr("yiwang.portal.views.PAGE_SIZE", 3)

    first = client.get(reverse("portal:service_list"))
    last = client.get(reverse("portal:service_list"), {"page": "3", "service_object": "person"})
    beyond = client.get(reverse("portal:service_list"), {"page": "abc"})

    assert len(first.context["page"].object_list) == 3
    assert 'href="?page=2"' in first.content.decode()
    assert last.status_code == 200
    assert last.context["page"].number == 2  # past the end: the last page
    assert beyond.context["page"].number == 1


def test_service_list_reports_bad_filter_values(client, catalog):
    response = client.get(reverse("portal:service_list"), {"service_object": "alien"})

    assert response.status_code == 200
    assert "出现了问题" in response.content.decode()
    assert response.context["result_count"] == 8


def test_department_pages(client, catalog):
    listing = client.get(reverse("portal:department_list"))
    detail = client.get(reverse("portal:department_detail", args=["JNSCJG"]))
    missing = client.get(reverse("portal:department_detail", args=["NOPE"]))

    assert listing.status_code == 200
    assert "济南市公安局" in listing.content.decode()
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "龙奥北路1号" in html and "0531-66608001" in html
    assert "食品经营许可" in html and "出生登记" not in html
    assert missing.status_code == 404


def test_topic_pages(client, catalog):
    listing = client.get(reverse("portal:topic_list"))
    detail = client.get(reverse("portal:topic_detail", args=["birth"]))
    missing = client.get(reverse("portal:topic_detail", args=["nope"]))

    assert listing.status_code == 200
    assert "开办企业" in listing.content.decode()
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "出生医学证明办理" in html and "出生登记" in html
    assert "食品经营许可" not in html
    assert missing.status_code == 404


def test_service_guide_shows_everything_an_applicant_needs(client, catalog):
    response = client.get(reverse("portal:service_guide", args=[catalog.company.item.code]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>企业设立登记</h1>" in html
    assert "11370100SCJG0001" in html
    assert "济南市市场监督管理局" in html
    assert "行政登记" in html
    assert "15 个工作日" in html and "3 个工作日" in html
    assert "免费" in html
    assert "市场监管窗口" in html and "龙奥北路1号" in html and "工作日 9:00–17:00" in html
    assert "有符合规定的企业名称和住所" in html
    assert "市场主体登记管理条例" in html
    assert "公司章程" in html and "OFD" in html
    assert "住所为租赁房屋的" in html
    assert "可用电子证照：居民身份证" in html
    assert 'class="process-steps"' in html and "受理" in html
    assert "开办企业" in html
    assert "版本 2" in html
    assert reverse("portal:service_version", args=[catalog.company.item.code, 1]) in html
    assert 'id="apply-online"' in html


def test_service_guide_lists_fees(client, catalog):
    response = client.get(reverse("portal:service_guide", args=[catalog.id_card.item.code]))

    html = response.content.decode()
    assert "证件工本费" in html and "¥20.00" in html
    assert "不能在线申请" in html


def test_service_guide_in_english(english, catalog):
    response = english.get(reverse("portal:service_guide", args=[catalog.company.item.code]))

    html = response.content.decode()
    assert "Company registration (business licence)" in html
    assert "Articles of association" in html
    assert "E-certificate accepted: Resident ID card" in html
    assert "15 working days" in html
    assert "Acceptance" in html


def test_superseded_version_is_readable_and_marked(client, catalog):
    code = catalog.company.item.code

    old = client.get(reverse("portal:service_version", args=[code, 1]))
    current = client.get(reverse("portal:service_version", args=[code, 2]))
    missing = client.get(reverse("portal:service_version", args=[code, 9]))

    assert old.status_code == 200
    html = old.content.decode()
    assert "已被新版本取代" in html
    assert reverse("portal:service_guide", args=[code]) in html
    assert current.status_code == 302
    assert missing.status_code == 404


def test_drafts_are_never_shown(client, catalog):
    draft = services.service_version_create_draft(item=catalog.food.item, actor=None)
    code = catalog.food.item.code

    assert (
        client.get(reverse("portal:service_version", args=[code, draft.number])).status_code == 404
    )


def test_unknown_service_gets_a_friendly_404(client, catalog):
    response = client.get(reverse("portal:service_guide", args=["NO-SUCH-CODE"]))

    assert response.status_code == 404
    html = response.content.decode()
    assert "找不到您要访问的页面" in html
    assert 'action="/search/"' in html


def test_accessibility_statement(client, db):
    response = client.get(reverse("portal:accessibility"))

    assert response.status_code == 200
    assert "WCAG" in response.content.decode()


def test_signed_in_user_gets_a_sign_out_form(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(display_name="张三"))

    html = client.get(reverse("portal:home")).content.decode()

    assert 'action="/accounts/logout/"' in html and 'method="post"' in html
    assert "张三" in html


def test_every_page_renders_with_the_jinan_demo_city(client):
    from django.core.management import call_command

    from yiwang.catalog import selectors

    call_command("load_demo", "--quiet")
    department = selectors.departments_with_services().first()
    topic = selectors.topics_with_counts().first()
    version = selectors.published_versions().first()

    for url in [
        reverse("portal:home"),
        reverse("portal:search") + "?q=营业执照",
        reverse("portal:service_list") + "?page=2",
        reverse("portal:department_list"),
        reverse("portal:department_detail", args=[department.code]),
        reverse("portal:topic_list"),
        reverse("portal:topic_detail", args=[topic.code]),
        reverse("portal:service_guide", args=[version.item.code]),
    ]:
        assert client.get(url).status_code == 200, url
