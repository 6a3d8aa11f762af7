"""The bilingual ``tr`` filter and tag."""

from __future__ import annotations

from django.template import Context, Template
from django.utils import translation

from yiwang.portal.templatetags.portal import translated


class Named:
    name_zh = "营业执照"
    name_en = "Business licence"
    summary_zh = "简介"
    summary_en = ""


def test_tr_picks_the_active_language_and_falls_back_to_chinese():
    with translation.override("en"):
        assert translated(Named(), "name") == "Business licence"
        assert translated(Named(), "summary") == "简介"
    with translation.override("zh-hans"):
        assert translated(Named(), "name") == "营业执照"


def test_tr_reads_dicts_and_tolerates_missing_things():
    step = {"name_zh": "受理", "name_en": "Acceptance"}
    with translation.override("en"):
        assert translated(step, "name") == "Acceptance"
        assert translated(None, "name") == ""
        assert translated(Named(), "nothing") == ""


def test_tr_as_filter_and_tag():
    template = Template('{% load portal %}{{ obj|tr:"name" }}|{% tr obj "name" %}')
    with translation.override("en"):
        assert template.render(Context({"obj": Named()})) == "Business licence|Business licence"
    with translation.override("zh-hans"):
        assert template.render(Context({"obj": Named()})) == "营业执照|营业执照"
