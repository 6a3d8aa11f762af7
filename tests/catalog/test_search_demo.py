"""Catalog search over the demo city: pinyin, topics and synonyms, as a citizen types them."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from yiwang.catalog import search, selectors
from yiwang.catalog.models import ServiceItem, ServiceVersion
from yiwang.demo.data.popular import POPULAR

pytestmark = pytest.mark.django_db

# The demo services whose keywords list 营业执照 (src/yiwang/demo/data/services_business.py).
BUSINESS_LICENCE_SERVICES = {
    "企业设立登记",
    "个体工商户设立登记",
    "企业变更登记",
    "个体工商户注销登记",
}


def names(query):
    return [v.name_zh for v in selectors.catalog_search(query)]


def test_pinyin_topics_and_synonyms_find_the_demo_services(client):
    call_command("load_demo", "--quiet")  # slow: once for every query below
    catering = set(
        ServiceVersion.objects.filter(status="published", topics__code="catering").values_list(
            "name_zh", flat=True
        )
    )
    assert len(catering) == 5  # the 餐饮 topic page lists five services

    # Pinyin, in full, in words and by initials, finds the 营业执照 services.
    assert set(names("yingyezhizhao")) == BUSINESS_LICENCE_SERVICES
    assert set(names("yingye zhizhao")) == BUSINESS_LICENCE_SERVICES
    assert set(names("yyzz")) == BUSINESS_LICENCE_SERVICES
    # A topic's name finds every service the topic lists, in Chinese and English.
    assert set(names("餐饮")) == catering
    assert set(names("catering")) == catering
    # 驾驶执照 is the everyday word for the statutory 机动车驾驶证 (道路交通安全法 art. 19).
    assert names("驾驶执照") == ["机动车驾驶证期满换证"]
    assert names("房本") == ["不动产转移登记（存量房买卖）"]
    # 护照 (and its pinyin) finds the passport service, issued under 护照法 arts. 5–6.
    assert names("护照") == ["普通护照签发"]
    assert names("huzhao") == ["普通护照签发"]
    assert names("办护照") == ["普通护照签发"]
    assert names("passport") == ["普通护照签发"]
    # Every curated popular service of the demo exists (the fallback of 热门服务).
    assert ServiceItem.objects.filter(popular_order__isnull=False).count() == len(POPULAR)

    # The results page names the query's topic and links to it.
    page = client.get(reverse("portal:search"), {"q": "餐饮"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert 'href="/topics/catering/"' in html
    assert "相关主题" in html
    assert "5 项服务" in html
    part = client.get(reverse("portal:search"), {"q": "户籍"}).content.decode()
    assert 'href="/topics/residence/"' in part  # 户籍 is part of the topic 户籍证件
    other = client.get(reverse("portal:search"), {"q": "营业执照"}).content.decode()
    assert "/topics/catering/" not in other


def test_synonym_file_maps_everyday_words_to_official_terms():
    table = search.synonyms()
    assert table["护照"] == ("普通护照", "出入境证件")
    assert table["身份证"] == ("居民身份证",)


def test_pinyin_terms_of_a_name():
    assert {"yingyezhizhao", "yyzz", "zhizhao", "zz"} <= search.pinyin_terms("营业执照")
    assert search.pinyin_terms("License 2026") == set()
