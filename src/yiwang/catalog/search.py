"""Catalog search: an inverted index over jieba-segmented text, the same on SQLite and PostgreSQL.

Indexing a version stores one ``SearchTerm`` row per distinct term with the
highest weight the term earned in any field (names weigh most). Chinese text
is segmented with jieba in search mode (``营业执照`` → 营业, 执照, 营业执照) and
every pair of adjacent Chinese characters is indexed too, so a query word that
jieba cuts differently from the indexed text still matches through its
bigrams. English text is lower-cased and split into words. The Chinese name
and keywords are also indexed in pinyin, each word in full and by its
initials (营业执照 → yingyezhizhao, yyzz), and the names of the version's topics count as keywords
(a service under 餐饮 is found by 餐饮).

A query is segmented the same way. Each query token matches a term exactly,
or (English, 3+ letters) as a prefix, or (Chinese, unseen word) when all of
its bigrams match. A query word listed in the synonym file
(``data/synonyms.yaml``: 护照 → 普通护照, 出入境证件) also matches through
the official terms it stands for. Results match every query token when any
service does, else at least half of them. Ranking: exact name match, then
name prefix, then name contains, then the number of query tokens matched and the summed weights.
See docs/decisions/0002-catalog-search.md.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.db.models import Q, QuerySet

from yiwang.catalog.models import SearchTerm, ServiceVersion

WEIGHT_NAME = 10
WEIGHT_NAME_EN = 8
WEIGHT_PINYIN = 7
WEIGHT_PINYIN_KEYWORDS = 5
WEIGHT_KEYWORDS = 6
WEIGHT_TOPIC = 6
WEIGHT_DEPARTMENT = 3
WEIGHT_SUMMARY = 2
WEIGHT_BIGRAM = 1

MAX_TERM_LENGTH = 60

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_LATIN_WORD = re.compile(r"[0-9a-z]+")
_IS_CJK = re.compile(f"^[{_CJK}]+$")

# Words that say nothing about which service is meant.
STOPWORDS = frozenset(
    {
        "的", "了", "和", "与", "及", "或", "在", "我", "我要", "要", "想", "怎么", "如何",
        "怎样", "哪里", "什么", "办", "办理", "申请", "业务", "服务", "事项",
        "a", "an", "the", "of", "for", "and", "or", "to", "in", "on", "how", "i", "my",
        "apply", "application", "service", "services",
    }
)  # fmt: skip

# British and American spellings index as one word.
_SPELLING = {"license": "licence", "licenses": "licence", "licences": "licence"}

SYNONYMS_FILE = Path(__file__).resolve().parent / "data" / "synonyms.yaml"

_jieba_lock = threading.Lock()
_jieba_ready = False


def _jieba() -> Any:
    """Import and initialise jieba once per process (loading its dictionary takes ~1 s)."""
    global _jieba_ready
    import jieba

    if not _jieba_ready:
        with _jieba_lock:
            if not _jieba_ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                # A synonym is one query word (户口本, 驾驶执照), never cut in parts.
                for word in synonyms():
                    if _IS_CJK.match(word):
                        jieba.add_word(word)
                _jieba_ready = True
    return jieba


@cache
def synonyms() -> dict[str, tuple[str, ...]]:
    """Everyday word → the official terms it also finds, from ``data/synonyms.yaml``."""
    with SYNONYMS_FILE.open(encoding="utf-8") as f:
        entries = yaml.safe_load(f) or {}
    return {
        str(word).lower(): tuple(str(t).lower() for t in entry["terms"])
        for word, entry in entries.items()
    }


def pinyin_terms(text: str) -> set[str]:
    """The pinyin under which Chinese ``text`` is findable: every word in full and by initials.

    Words are jieba's (search mode) plus each whole run of Chinese characters,
    so 个体工商户营业执照 is found by yingyezhizhao, yyzz and gtgshyyzz alike.
    Initials of a single character are left out (one letter finds everything).
    """
    from pypinyin import Style, lazy_pinyin

    terms: set[str] = set()
    jieba = _jieba()
    for run in _CJK_RUN.findall(text):
        words = {w for w in jieba.cut_for_search(run) if len(w) > 1 and w not in STOPWORDS}
        words.add(run)
        for word in words:
            syllables = lazy_pinyin(word, errors="ignore")
            if len(syllables) < 2:
                continue
            terms.add("".join(syllables)[:MAX_TERM_LENGTH])
            terms.add("".join(lazy_pinyin(word, style=Style.FIRST_LETTER))[:MAX_TERM_LENGTH])
    return terms


def _latin_words(text: str) -> list[str]:
    return [_SPELLING.get(w, w) for w in _LATIN_WORD.findall(text.lower())]


def _bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_terms(text: str) -> set[str]:
    """Every term under which ``text`` is findable (words, sub-words, bigrams)."""
    terms: set[str] = set()
    jieba = _jieba()
    for run in _CJK_RUN.findall(text):
        terms.update(w for w in jieba.cut_for_search(run) if w.strip())
        terms.update(_bigrams(run))
    terms.update(_latin_words(text))
    return {t[:MAX_TERM_LENGTH] for t in terms if t not in STOPWORDS}


def query_tokens(query: str) -> list[str]:
    """The tokens of a user's query, in order, without stop words and duplicates."""
    jieba = _jieba()
    tokens: list[str] = []
    for piece in re.split(f"([{_CJK}]+)", query.lower()):
        if not piece:
            continue
        if _CJK_RUN.fullmatch(piece):
            tokens.extend(w for w in jieba.cut(piece) if w.strip())
        else:
            tokens.extend(_latin_words(piece))
    meaningful = [t for t in tokens if t not in STOPWORDS]
    if not meaningful:
        meaningful = tokens  # a query of only stop words still searches for them
    return list(dict.fromkeys(t[:MAX_TERM_LENGTH] for t in meaningful))


def _weighted_terms(version: ServiceVersion) -> dict[str, int]:
    topics = [(t.name_zh, t.name_en) for t in version.topics.all()]
    fields: list[tuple[str, int]] = [
        *((zh, WEIGHT_TOPIC) for zh, _ in topics),
        *((en, WEIGHT_TOPIC) for _, en in topics),
        (version.name_zh, WEIGHT_NAME),
        (version.name_en, WEIGHT_NAME_EN),
        (version.keywords, WEIGHT_KEYWORDS),
        (version.item.department.name_zh, WEIGHT_DEPARTMENT),
        (version.item.department.name_en, WEIGHT_DEPARTMENT),
        (version.summary_zh, WEIGHT_SUMMARY),
        (version.summary_en, WEIGHT_SUMMARY),
    ]
    weights: dict[str, int] = {}
    for text, weight in fields:
        for term in index_terms(text or ""):
            is_bigram_only = len(term) == 2 and _IS_CJK.match(term) and weight < WEIGHT_KEYWORDS
            w = WEIGHT_BIGRAM if is_bigram_only else weight
            if w > weights.get(term, 0):
                weights[term] = w
    for text, weight in (
        (version.keywords, WEIGHT_PINYIN_KEYWORDS),
        (version.name_zh, WEIGHT_PINYIN),
    ):
        for term in pinyin_terms(text or ""):
            if weight > weights.get(term, 0):
                weights[term] = weight
    return weights


def index_version(version: ServiceVersion) -> int:
    """(Re)build the index rows of one version. Returns the number of terms."""
    weights = _weighted_terms(version)
    with transaction.atomic():
        SearchTerm.objects.filter(version=version).delete()
        SearchTerm.objects.bulk_create(
            SearchTerm(version=version, term=term, weight=weight)
            for term, weight in weights.items()
        )
    return len(weights)


def unindex_version(version: ServiceVersion) -> None:
    SearchTerm.objects.filter(version=version).delete()


@dataclass(frozen=True)
class Hit:
    version_id: int
    tokens_matched: int
    score: int


def _matches_as_prefix(token: str) -> bool:
    """A single Chinese character, or an English word of 3+ letters, matches terms it starts."""
    return len(token) == 1 if _IS_CJK.match(token) else len(token) >= 3


def _token_filter(token: str) -> Q:
    return Q(term__startswith=token) if _matches_as_prefix(token) else Q(term=token)


def _token_matches(token: str, term: str) -> bool:
    return term.startswith(token) if _matches_as_prefix(token) else term == token


def _forms(token: str) -> tuple[str, ...]:
    """The token and the official terms it stands for (synonyms.yaml)."""
    return (token, *synonyms().get(token, ()))


def _form_weight(form: str, terms: dict[str, int]) -> int:
    """How well one form of a query token matches a version's terms (0: not at all)."""
    best = max((w for t, w in terms.items() if _token_matches(form, t)), default=0)
    if not best and _IS_CJK.match(form) and len(form) > 2:
        grams = _bigrams(form)
        if all(g in terms for g in grams):
            best = min(terms[g] for g in grams)
    return best


def rank(query: str, candidates: QuerySet[ServiceVersion] | None = None) -> list[Hit]:
    """Indexed versions matching ``query``, best first.

    Only published versions are indexed; ``candidates`` narrows them further
    (a queryset, used as a subquery).
    """
    tokens = query_tokens(query)
    if not tokens:
        return []
    condition = Q()
    for token in tokens:
        for form in _forms(token):
            condition |= _token_filter(form)
            if _IS_CJK.match(form) and len(form) > 2:
                condition |= Q(term__in=_bigrams(form))
    rows = SearchTerm.objects.filter(condition)
    if candidates is not None:
        rows = rows.filter(version_id__in=candidates.values("id"))
    by_version: dict[int, dict[str, int]] = defaultdict(dict)
    for version_id, term, weight in rows.values_list("version_id", "term", "weight"):
        by_version[version_id][term] = weight

    hits: list[Hit] = []
    for version_id, terms in by_version.items():
        matched = 0
        score = 0
        for token in tokens:
            best = max(_form_weight(form, terms) for form in _forms(token))
            if best:
                matched += 1
                score += best
        if matched:
            hits.append(Hit(version_id, matched, score))
    # Precision: when some services match every word of the query, show only
    # those; otherwise keep services that match at least half of the words, so
    # one shared generic word (许可 in 飞船驾驶许可) does not make a result.
    if any(h.tokens_matched == len(tokens) for h in hits):
        hits = [h for h in hits if h.tokens_matched == len(tokens)]
    else:
        hits = [h for h in hits if h.tokens_matched * 2 >= len(tokens)]
    hits.sort(key=lambda h: (-h.tokens_matched, -h.score, h.version_id))
    return hits
