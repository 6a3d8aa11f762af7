"""The catalog's search index: segmentation, matching rules and ranking."""

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.factories import DepartmentFactory, publish_service
from yiwang.catalog import search, selectors, services
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


SEARCHABLE = [
    ("营业执照", "Business licence"),
    ("个体工商户注销登记", "Sole proprietor deregistration"),
    ("居民身份证换领", "ID card renewal"),
    ("食品经营许可", "Food business licence"),
]
WORDS = ["执照", "营业", "注销", "登记", "身份证", "食品", "许可", "飞船", "驾驶", "business",
         "licence", "license", "busin", "renewal", "id", "xyzzy", "我要", "办理", "的"]  # fmt: skip
queries = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).flatmap(
        lambda words: st.sampled_from(["", " "]).map(lambda sep: sep.join(words))
    ),
)


@pytest.fixture
def searchable(db):
    """The services above, and a superseded first version of the first one."""
    published = [publish_service(name_zh=zh, name_en=en) for zh, en in SEARCHABLE]
    draft = services.service_version_create_draft(item=published[0].item, actor=None)
    published[0] = services.service_version_publish(version=draft, actor=None)
    return published


def _searchable_text(version: ServiceVersion) -> str:
    department = version.item.department
    return " ".join(
        [version.name_zh, version.name_en, department.name_zh, department.name_en]
    ).lower()


def _occurs(token: str, text: str) -> bool:
    """The query word is in the text, or (Chinese, 3+ characters) every pair of its characters."""
    if token in text:
        return True
    pairs = [token[i : i + 2] for i in range(len(token) - 1)]
    chinese = all("\u4e00" <= c <= "\u9fff" for c in token)
    return len(token) > 2 and chinese and all(p in text for p in pairs)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=queries)
def test_any_query_finds_only_current_services_that_match_half_its_words(searchable, query):
    tokens = search.query_tokens(query)
    assert all(t and len(t) <= search.MAX_TERM_LENGTH for t in tokens)

    found = list(selectors.catalog_search(query))

    event("found something" if found else "found nothing")
    assert len({v.pk for v in found}) == len(found)
    assert {v.pk for v in found} <= {v.pk for v in searchable}  # never a superseded version
    for version in found:
        matched = [t for t in tokens if _occurs(t, _searchable_text(version))]
        assert 2 * len(matched) >= len(tokens), (query, tokens, version.name_zh)
