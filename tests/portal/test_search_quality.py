"""Search quality on the queries citizens type, through the portal's search page."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def search(client, query, **params):
    response = client.get(reverse("portal:search"), {"q": query, **params})
    assert response.status_code == 200
    return list(response.context["page"].object_list)


def test_a_word_finds_the_services_with_it_in_their_name(client, catalog):
    results = search(client, "执照")

    assert catalog.individual in results
    assert catalog.licence_change in results
    assert catalog.company in results  # through its keyword 营业执照
    assert catalog.birth_registration not in results


def test_an_everyday_word_finds_the_service_through_its_keywords(client, catalog):
    results = search(client, "餐饮")

    assert results[0] == catalog.food


def test_english_query_finds_the_service_and_shows_it_in_english(english, catalog):
    response = english.get(reverse("portal:search"), {"q": "business licence"})

    results = list(response.context["page"].object_list)
    assert catalog.food in results
    assert catalog.individual in results
    html = response.content.decode()
    assert "Food business licence" in html
    assert "食品经营许可" not in html


def test_american_spelling_finds_the_same_services(english, catalog):
    response = english.get(reverse("portal:search"), {"q": "food business license"})

    results = list(response.context["page"].object_list)
    assert results[0] == catalog.food


def test_an_exact_name_ranks_first(client, catalog):
    assert search(client, "营业执照变更登记")[0] == catalog.licence_change
    assert search(client, "出生登记")[0] == catalog.birth_registration


def test_birth_finds_the_birth_related_services(client, catalog):
    results = search(client, "出生")

    assert set(results[:2]) == {catalog.birth_certificate, catalog.birth_registration}
    assert catalog.food not in results


def test_a_question_with_filler_words_still_finds_the_service(client, catalog):
    assert search(client, "我要办理失业金")[0] == catalog.unemployment


def test_nonsense_finds_nothing(client, catalog):
    assert search(client, "xqzvkw") == []
    assert search(client, "龘靐") == []
