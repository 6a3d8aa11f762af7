"""The catalog REST API: lists, filters, search, detail, and precise JSON errors."""

import pytest
from django.core.files.base import ContentFile

from tests.factories import PDF_BYTES, DepartmentFactory, TopicFactory, publish_service
from yiwang.catalog import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    market = DepartmentFactory(code="SCJG", name_zh="济南市市场监督管理局")
    police = DepartmentFactory(code="GA", name_zh="济南市公安局")
    opening = TopicFactory(code="business-opening", audience="business")
    licence = publish_service(
        code="SVC-LICENCE",
        department=market,
        name_zh="营业执照办理",
        name_en="Business licence",
        service_object="legal_person",
        visits=0,
        topics=[opening],
    )
    food = publish_service(
        code="SVC-FOOD",
        department=market,
        name_zh="食品经营许可",
        name_en="Food business licence",
        keywords="餐饮 饭店 小吃",
        service_object="legal_person",
        visits=1,
        is_free=True,
    )
    idcard = publish_service(
        code="SVC-ID",
        department=police,
        name_zh="居民身份证换领",
        name_en="Resident ID card renewal",
        kind="public_service",
        service_object="person",
        visits=1,
    )
    return {"licence": licence, "food": food, "idcard": idcard}


def codes(response):
    return [r["code"] for r in response.json()["results"]]


def test_list_returns_published_services_with_pagination(client, catalog):
    response = client.get("/api/v1/services", {"page_size": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert body["pages"] == 2
    assert len(body["results"]) == 2
    second = client.get("/api/v1/services", {"page_size": 2, "page": 2}).json()
    assert len(second["results"]) == 1
    assert {*codes(response), *[r["code"] for r in second["results"]]} == {
        "SVC-LICENCE", "SVC-FOOD", "SVC-ID",
    }  # fmt: skip


def test_list_filters(client, catalog):
    assert set(codes(client.get("/api/v1/services", {"department": "GA"}))) == {"SVC-ID"}
    assert set(codes(client.get("/api/v1/services", {"kind": "public_service"}))) == {"SVC-ID"}
    assert set(codes(client.get("/api/v1/services", {"service_object": "person"}))) == {"SVC-ID"}
    assert set(codes(client.get("/api/v1/services", {"fully_online": "true"}))) == {"SVC-LICENCE"}
    assert set(codes(client.get("/api/v1/services", {"topic": "business-opening"}))) == {
        "SVC-LICENCE"
    }


def test_drafts_are_not_listed(client, catalog):
    services.service_version_create_draft(item=catalog["licence"].item, actor=None)
    body = client.get("/api/v1/services").json()
    assert body["count"] == 3
    assert {r["version"] for r in body["results"]} == {1}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "permit"}, "kind"),
        ({"service_object": "robot"}, "service_object"),
        ({"fully_online": "perhaps"}, "fully_online"),
        ({"page": 0}, "page"),
        ({"page_size": 1000}, "page_size"),
        ({"department": "NOPE"}, "department"),
        ({"topic": "nope"}, "topic"),
        ({"page": 9}, "page"),
    ],
)
def test_bad_filters_answer_422_naming_the_field(client, catalog, params, field):
    response = client.get("/api/v1/services", params)
    assert response.status_code == 422
    body = response.json()
    assert field in body["detail"] or any(e["field"] == field for e in body["errors"])
    assert [e["field"] for e in body["errors"]] == [field]


def test_search_ranks_and_filters(client, catalog):
    response = client.get("/api/v1/services/search", {"q": "执照"})
    assert response.status_code == 200
    assert codes(response)[0] == "SVC-LICENCE"
    assert codes(client.get("/api/v1/services/search", {"q": "餐饮"})) == ["SVC-FOOD"]
    english = codes(client.get("/api/v1/services/search", {"q": "business licence"}))
    assert english[0] == "SVC-LICENCE"
    assert set(english) == {"SVC-LICENCE", "SVC-FOOD"}
    filtered = client.get("/api/v1/services/search", {"q": "licence", "fully_online": "false"})
    assert codes(filtered) == ["SVC-FOOD"]


def test_search_needs_a_query(client, catalog):
    response = client.get("/api/v1/services/search")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "q"
    blank = client.get("/api/v1/services/search", {"q": "   "})
    assert blank.status_code == 422
    assert blank.json()["errors"][0]["field"] == "q"


def test_detail_by_code(client, catalog):
    response = client.get("/api/v1/services/SVC-FOOD")
    assert response.status_code == 200
    body = response.json()
    assert body["name_zh"] == "食品经营许可"
    assert body["department"]["code"] == "SCJG"
    assert body["materials"][0]["name_zh"] == "身份证明"
    assert body["form_schema"]["type"] == "object"
    assert body["status"] == "published"


def test_unknown_code_is_404_with_json_error(client, catalog):
    response = client.get("/api/v1/services/NO-SUCH-CODE")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "NO-SUCH-CODE" in response.json()["detail"]


def test_earlier_versions_stay_readable(client, catalog):
    item = catalog["idcard"].item
    draft = services.service_version_create_draft(item=item, actor=None)
    services.service_version_update_draft(version=draft, actor=None, name_zh="居民身份证办理")
    services.service_version_publish(version=draft, actor=None)

    assert client.get(f"/api/v1/services/{item.code}").json()["version"] == 2
    old = client.get(f"/api/v1/services/{item.code}/versions/1").json()
    assert old["name_zh"] == "居民身份证换领"
    assert old["status"] == "superseded"
    assert client.get(f"/api/v1/services/{item.code}/versions/7").status_code == 404


def test_departments_and_topics(client, catalog):
    departments = client.get("/api/v1/departments").json()
    assert {d["code"] for d in departments} == {"SCJG", "GA"}
    topics = client.get("/api/v1/topics").json()
    assert [t["code"] for t in topics] == ["business-opening"]


def test_openapi_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/services" in paths
    assert "/api/v1/services/{code}" in paths
    assert client.get("/api/v1/docs").status_code == 200


def test_a_guides_result_and_files_are_in_the_detail(client, catalog):
    # given a new version of a service with its result and a blank form
    item = catalog["idcard"].item
    draft = services.service_version_create_draft(item=item, actor=None)
    services.service_version_update_draft(
        version=draft,
        actor=None,
        result_name_zh="居民身份证",
        result_name_en="Resident identity card",
        blank_form=ContentFile(PDF_BYTES, name="form.pdf"),
    )
    services.service_version_publish(version=draft, actor=None)

    body = client.get(f"/api/v1/services/{item.code}").json()

    assert body["result_name_zh"] == "居民身份证"
    assert body["result_name_en"] == "Resident identity card"
    assert body["files"] == {"blank-form": f"/services/{item.code}/files/blank-form/"}
    assert client.get(body["files"]["blank-form"])["Content-Type"] == "application/pdf"
    assert client.get(f"/api/v1/services/{item.code}/versions/1").json()["files"] == {}


def test_the_detail_and_the_department_list_give_the_departments_lines_and_windows(client):
    # given a department with its lines and windows, and one that receives no one in person
    bureau = DepartmentFactory(
        code="CRJ",
        name_zh="济南市公安局出入境管理支队",
        phone="0531-66608321",
        complaint_phone="12345",
        address_zh="济南市历下区龙奥北路1号 济南市政务服务中心",
        address_en="Jinan Government Service Center, 1 Long'ao North Road",
        windows_zh="一楼C区 37—40号窗口",
        windows_en="Ground floor, zone C, windows 37–40",
        office_hours_zh="工作日 9:00—12:00，13:00—17:00",
        office_hours_en="Working days 9:00–12:00 and 13:00–17:00",
    )
    online = DepartmentFactory(code="DSJ", complaint_phone="12345")
    passport = publish_service(code="SVC-PASSPORT", department=bureau, name_zh="普通护照签发")
    publish_service(code="SVC-DATA", department=online, name_zh="公共数据开放申请")

    # when an integrator reads the guide and the list of departments
    detail = client.get(f"/api/v1/services/{passport.item.code}").json()
    departments = {d["code"]: d for d in client.get("/api/v1/departments").json()}

    # then both carry the same numbers and windows the portal's guide shows
    expected = {
        "code": "CRJ",
        "name_zh": "济南市公安局出入境管理支队",
        "name_en": bureau.name_en,
        "consultation_phone": "0531-66608321",
        "complaint_phone": "12345",
        "windows": [
            {
                "address_zh": "济南市历下区龙奥北路1号 济南市政务服务中心",
                "address_en": "Jinan Government Service Center, 1 Long'ao North Road",
                "windows_zh": "一楼C区 37—40号窗口",
                "windows_en": "Ground floor, zone C, windows 37–40",
                "office_hours_zh": "工作日 9:00—12:00，13:00—17:00",
                "office_hours_en": "Working days 9:00–12:00 and 13:00–17:00",
            }
        ],
    }
    assert detail["department"] == expected
    assert departments["CRJ"] == expected
    # a department with no windows lists none, and still its complaint line
    assert departments["DSJ"]["windows"] == []
    assert departments["DSJ"]["consultation_phone"] == ""
    assert departments["DSJ"]["complaint_phone"] == "12345"
    # the list of services stays short: no contacts in a summary
    summary = client.get("/api/v1/services", {"department": "CRJ"}).json()["results"][0]
    assert set(summary["department"]) == {"code", "name_zh", "name_en"}


def test_the_openapi_schema_documents_the_departments_contacts(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    contact = schemas["DepartmentContactOut"]["properties"]
    assert {"consultation_phone", "complaint_phone", "windows"} <= set(contact)
    assert "咨询电话" in contact["consultation_phone"]["description"]
    window = schemas["ServiceWindowOut"]["properties"]
    assert {"address_zh", "windows_zh", "office_hours_zh", "office_hours_en"} <= set(window)
    detail = schemas["ServiceDetailOut"]["properties"]["department"]
    assert detail == {"$ref": "#/components/schemas/DepartmentContactOut"}
