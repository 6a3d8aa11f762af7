"""Catalog search: an inverted index over jieba-segmented text, the same on SQLite and PostgreSQL.

Indexing a version stores one ``SearchTerm`` row per distinct term with the
highest weight the term earned in any field (names weigh most). Chinese text
is segmented with jieba in search mode (``营业执照`` → 营业, 执照, 营业执照) and
every pair of adjacent Chinese characters is indexed too, so a query word that
jieba cuts differently from the indexed text still matches through its
bigrams. English text is lower-cased and split into words.

A query is segmented the same way. Each query token matches a term exactly,
or (English, 3+ letters) as a prefix, or (Chinese, unseen word) when all of
its bigrams match. Results match every query token when any service does, else at least half
of them. Ranking: exact name match, then name prefix, then name contains,
then the number of query tokens matched and the summed weights.
See docs/decisions/0002-catalog-search.md.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from yiwang.catalog.models import SearchTerm, ServiceVersion

WEIGHT_NAME = 10
WEIGHT_NAME_EN = 8
WEIGHT_KEYWORDS = 6
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
                _jieba_ready = True
    return jieba


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
    fields: list[tuple[str, int]] = [
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
        condition |= _token_filter(token)
        if _IS_CJK.match(token) and len(token) > 2:
            condition |= Q(term__in=_bigrams(token))
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
            best = max((w for t, w in terms.items() if _token_matches(token, t)), default=0)
            if not best and _IS_CJK.match(token) and len(token) > 2:
                grams = _bigrams(token)
                if all(g in terms for g in grams):
                    best = min(terms[g] for g in grams)
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
