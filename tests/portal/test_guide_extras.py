"""Issue 11: a guide shows the department's own consultation and complaint numbers, its
windows, the result's name and sample, and blank and sample forms to download.

Expected values are the demo data's (``demo/data/departments.py``, ``results.py``),
written out here by hand; the files are read back as PDFs.
"""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from yiwang.catalog.models import ServiceItem
from yiwang.demo import loader

pytestmark = pytest.mark.django_db

FOOD_LICENCE = "11370100MB2855502M0101101000"  # 食品经营许可（餐饮服务）（新办）, 市场监管局


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
def food(_catalog, module_files):
    return ServiceItem.objects.get(code=FOOD_LICENCE)


def guide(client, item, language: str) -> str:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    response = client.get(reverse("portal:service_guide", args=[item.code]))
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def pdf_text(response) -> str:
    content = b"".join(response.streaming_content)
    reader = PdfReader(io.BytesIO(content))
    return "".join("".join(page.extract_text() for page in reader.pages).split())


def test_the_guide_shows_the_departments_numbers_windows_and_the_result_in_chinese(client, food):
    page = guide(client, food, "zh-hans")

    assert '<a id="consultation-phone" href="tel:0531-66608201">0531-66608201</a>' in page
    assert '<a id="complaint-phone" href="tel:12345">12345</a>' in page
    assert "二楼B区 21—28号窗口（企业开办专区）" in page
    assert '<dd id="result-name">食品经营许可证</dd>' in page
    for label in (
        "咨询电话",
        "投诉电话",
        "受理窗口",
        "办理结果",
        "结果样本",
        "空白表格",
        "示范文本",
    ):
        assert label in page, label


def test_the_guide_shows_them_in_english(client, food):
    page = guide(client, food, "en")

    assert "0531-66608201" in page and 'href="tel:12345"' in page
    assert "1st floor, zone B, windows 21–28 (starting a business)" in page
    assert '<dd id="result-name">Food business licence</dd>' in page
    for label in ("Enquiries", "Complaints", "Service windows", "Sample of the result",
                  "Blank application form", "Filled-in sample of the form"):  # fmt: skip
        assert label in page, label


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("result-sample", ["食品经营许可证（样本）", "济南市市场监督管理局"]),
        ("blank-form", ["《食品经营许可（餐饮服务）（新办）》申请表", "经营者名称"]),
        ("sample-form", ["示范文本", "经营者名称", "餐饮服务经营者"]),
    ],
)
def test_the_guides_files_download_as_pdf(client, food, kind, words):
    url = reverse("portal:guide_file", args=[food.code, kind])
    assert f'href="{url}"' in guide(client, food, "zh-hans")

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{food.code}-{kind}.pdf"'
    text = pdf_text(response)
    for word in words:
        assert word in text, word


def test_an_unknown_file_or_service_is_404(client, food):
    assert client.get(reverse("portal:guide_file", args=[food.code, "secret"])).status_code == 404
    assert client.get(reverse("portal:guide_file", args=["nope", "blank-form"])).status_code == 404
