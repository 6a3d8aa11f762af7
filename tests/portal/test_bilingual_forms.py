"""Issue 11: a demo service's application form in the portal's language.

The English portal showed the forms entirely in Chinese. The catalog now carries
each field's English (``title_en``, ``description_en``, ``enumNames_en``) and the
form, the check-your-answers page and the officers' pages show the active language;
what is stored does not depend on it. Expected English comes from the demo
glossary's wording, written by hand (not read back from the code).
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import citizen
from yiwang.cases.models import Application
from yiwang.catalog.models import ServiceItem
from yiwang.demo import loader

pytestmark = pytest.mark.django_db

BIRTH_REGISTRATION = "11370100004186103M0702002000"  # 出生登记（户口登记）
ANSWERS = {
    "baby_name": "王小明",
    "baby_sex": "男",
    "baby_birth_date": "2026-02-20",
    "ethnicity": "回族",
    "householder": "王大明",
    "hukou_address": "济南市历下区泉城路1号",
    "phone": "13812345678",
}


def _load_catalog() -> None:
    loader.load_regions()
    loader.load_departments()
    loader.load_topics_and_certificate_types()
    loader.load_catalog()


@pytest.fixture(scope="module")
def _catalog(module_data):
    """The demo catalog, loaded once for the module (the tests only read it)."""
    with module_data(_load_catalog):
        yield


@pytest.fixture
def demo_catalog(_catalog, module_files):
    return ServiceItem.objects.get(code=BIRTH_REGISTRATION)


def page(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def signed_in(client, language: str, username: str):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    client.force_login(citizen(username=username))
    return client


def start(client, item) -> Application:
    response = client.post(
        reverse("portal:application_start", args=[item.code]), {"applicant": "self"}
    )
    assert response.status_code == 302
    return Application.objects.latest("id")


def form_url(application) -> str:
    return reverse("portal:application_form", args=[application.pk]) + "?section=0"


def test_english_portal_shows_the_demo_form_in_english(client, demo_catalog):
    application = start(signed_in(client, "en", "wang"), demo_catalog)

    form = page(client.get(form_url(application)))

    for label in ("Baby&#x27;s name", "Sex", "Ethnic group", "Male", "Female", "Manchu",
                  "Mobile number, for text messages about your application"):  # fmt: skip
        assert label in form, label
    assert 'value="满族"' in form  # the option's value is the same in either language
    shown = re.sub(r'value="[^"]*"', "", form)
    for chinese in ("新生儿姓名", "民族", "满族", "手机号码，用于接收办理进度短信"):
        assert chinese not in shown, chinese


def test_chinese_portal_shows_the_demo_form_in_chinese(client, demo_catalog):
    application = start(signed_in(client, "zh-hans", "wang"), demo_catalog)

    form = page(client.get(form_url(application)))

    for label in ("新生儿姓名", "性别", "民族", "满族", "手机号码，用于接收办理进度短信"):
        assert label in form, label
    assert "Ethnic group" not in form and "Manchu" not in form
    assert 'value="满族"' in form


def test_answers_are_stored_the_same_in_either_language_and_shown_in_each(client, demo_catalog):
    stored = {}
    for language, username in (("en", "li"), ("zh-hans", "zhao")):
        client.logout()
        application = start(signed_in(client, language, username), demo_catalog)
        assert client.post(form_url(application), ANSWERS).status_code == 302
        application.refresh_from_db()
        stored[language] = application.form_data

    assert stored["en"] == stored["zh-hans"]
    assert stored["en"]["ethnicity"] == "回族" and stored["en"]["baby_sex"] == "男"

    check = reverse("portal:application_check", args=[application.pk])
    assert "回族" in page(client.get(check))  # the Chinese portal: the Chinese label
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    english = page(client.get(check))
    assert "Hui" in english and "Ethnic group" in english and "回族" not in english
