"""The catalog's search index: segmentation, matching rules and ranking."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import DepartmentFactory, publish_service
from yiwang.catalog import search, selectors
from yiwang.catalog.models import ServiceVersion

pytestmark = pytest.mark.django_db


def names(results):
    return [v.name_zh for v in results]


def test_index_terms_cover_words_sub_words_and_bigrams():
    terms = search.index_terms("企业营业执照设立登记")
    assert {"营业执照", "执照", "营业", "登记", "设立"} <= terms
    assert "照设" in terms  # a bigram across a word boundary


def test_query_tokens_drop_filler_words():
    assert search.query_tokens("我要办理营业执照") == ["营业执照"]
    assert search.query_tokens("How to apply for a business License") == ["business", "licence"]


def test_chinese_sub_word_matches_the_whole_word():
    publish_service(name_zh="个体工商户营业执照办理", name_en="Sole proprietor business licence")
    publish_service(name_zh="居民身份证换领", name_en="ID card renewal")
    assert names(selectors.catalog_search("执照")) == ["个体工商户营业执照办理"]


def test_query_word_cut_differently_from_the_name_still_matches_through_bigrams():
    publish_service(name_zh="城镇污水排入排水管网许可", name_en="Sewage discharge permit")
    assert names(selectors.catalog_search("污水排入")) == ["城镇污水排入排水管网许可"]


def test_exact_name_ranks_first_then_prefix_then_contains():
    publish_service(name_zh="企业注销登记", name_en="Enterprise deregistration")
    publish_service(name_zh="个体工商户注销登记", name_en="Sole proprietor deregistration")
    publish_service(name_zh="注销登记", name_en="Deregistration")
    publish_service(name_zh="注销登记证明补发", name_en="Deregistration certificate reissue")
    results = names(selectors.catalog_search("注销登记"))
    assert results[:2] == ["注销登记", "注销登记证明补发"]
    assert set(results[2:]) == {"企业注销登记", "个体工商户注销登记"}


def test_services_matching_every_word_are_preferred_to_partial_matches():
    publish_service(name_zh="新生儿医保参保登记", name_en="Newborn medical insurance enrolment")
    publish_service(name_zh="灵活就业人员参保登记", name_en="Flexible employment enrolment")
    assert names(selectors.catalog_search("新生儿 参保")) == ["新生儿医保参保登记"]
    assert len(selectors.catalog_search("参保")) == 2


def test_one_shared_generic_word_is_not_a_match():
    publish_service(name_zh="食品经营许可", name_en="Food business licence")
    publish_service(name_zh="机动车驾驶证换证", name_en="Driving licence renewal")
    # 飞船 matches nothing, 驾驶 and 许可 one service each: under half of the words
    assert list(selectors.catalog_search("飞船驾驶许可")) == []
    # half of the words is enough when nothing matches them all
    assert names(selectors.catalog_search("火箭驾驶")) == ["机动车驾驶证换证"]


def test_english_prefix_and_spelling_variants():
    publish_service(name_zh="营业执照", name_en="Business licence")
    assert names(selectors.catalog_search("busin")) == ["营业执照"]
    assert names(selectors.catalog_search("business license")) == ["营业执照"]


def test_department_name_is_searchable_but_weighs_less_than_the_service_name():
    police = DepartmentFactory(name_zh="济南市公安局", name_en="Jinan Public Security Bureau")
    publish_service(name_zh="居住证办理", name_en="Residence permit", department=police)
    publish_service(name_zh="公安备案查询", name_en="Police filing query")
    assert names(selectors.catalog_search("公安")) == ["公安备案查询", "居住证办理"]


def test_nonsense_finds_nothing():
    publish_service(name_zh="营业执照", name_en="Business licence")
    assert list(selectors.catalog_search("量子纠缠火箭")) == []
    assert len(selectors.catalog_search("xyzzy")) == 0


@settings(max_examples=30, deadline=None)
@given(st.text(max_size=40))
def test_any_query_is_handled_without_error(query):
    tokens = search.query_tokens(query)
    assert all(t and len(t) <= search.MAX_TERM_LENGTH for t in tokens)
    assert search.rank(query, ServiceVersion.objects.none()) == []
