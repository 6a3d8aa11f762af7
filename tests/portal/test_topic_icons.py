"""Topic icons are shipped SVG files, never emoji (which need an emoji font to show)."""

import re
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.urls import reverse

from yiwang.catalog.models import TOPIC_ICONS
from yiwang.demo.data.topics import TOPICS

ICONS = Path(__file__).resolve().parents[2] / "src/yiwang/portal/static/portal/icons/topics"
SVG = "{http://www.w3.org/2000/svg}svg"


def _emoji(text):
    """Characters of the Unicode "Symbol, other" category in the emoji blocks."""
    return [c for c in text if unicodedata.category(c) == "So" and ord(c) >= 0x1F000]


def test_every_icon_choice_is_a_shipped_svg_and_the_licence_is_recorded():
    for name, _label in TOPIC_ICONS:
        root = ET.parse(ICONS / f"{name}.svg").getroot()  # noqa: S314 - our own files
        assert root.tag == SVG and root.get("viewBox") == "0 0 24 24", name
    assert "Apache-2.0" in (ICONS / "README.md").read_text()


def test_demo_topics_use_shipped_icons():
    names = {name for name, _ in TOPIC_ICONS}
    assert {t["code"]: t["icon"] in names for t in TOPICS} == {t["code"]: True for t in TOPICS}


@pytest.mark.django_db
def test_topic_tiles_show_svg_images_and_no_emoji(client, catalog):
    for url in (reverse("portal:home"), reverse("portal:topic_list")):
        html = client.get(url).content.decode()
        tiles = re.findall(r'<li class="tile">.*?</li>', html, re.S)
        assert len(tiles) == 3, url
        for tile in tiles:
            assert re.search(
                r'<img class="topic-icon" src="/static/portal/icons/topics/[a-z-]+\.svg" alt=""',
                tile,
            )
            assert _emoji(tile) == []
    page = client.get(reverse("portal:topic_detail", args=["birth"])).content.decode()
    assert "/static/portal/icons/topics/baby.svg" in page and _emoji(page) == []
