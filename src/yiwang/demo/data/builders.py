"""Small builders that keep the catalog data readable: materials, steps, form fields, items."""

from __future__ import annotations

from typing import Any

from yiwang.demo.data.departments import DEPARTMENT_USCC, DEPARTMENTS
from yiwang.demo.data.form_english import bilingual
from yiwang.demo.data.results import RESULTS

ALL_FORMATS = ["pdf", "jpg", "png", "ofd"]
PDF_ONLY = ["pdf", "ofd"]

# 事项类型代码 of the national item code standard.
_KIND_CODES = {
    "licensing": "01",
    "payment": "05",
    "confirmation": "07",
    "registration": "07",
    "other": "10",
    "public_service": "20",
}
_WHERE = {d["code"]: (d["address_zh"], d["address_en"]) for d in DEPARTMENTS}

Text = tuple[str, str]


def material(
    name_zh: str,
    name_en: str,
    *,
    cert: str | None = None,
    when: Text | None = None,
    formats: list[str] | None = None,
    original: bool = False,
    notes: Text = ("", ""),
) -> dict[str, Any]:
    """A material; ``when`` makes it conditional, ``cert`` lets an e-certificate stand in."""
    return {
        "name_zh": name_zh,
        "name_en": name_en,
        "requirement": "conditional" if when else "required",
        "condition_zh": when[0] if when else "",
        "condition_en": when[1] if when else "",
        "formats": list(formats or ALL_FORMATS),
        "copies": 1,
        "original_required": original,
        "certificate_type": cert,
        "notes_zh": notes[0],
        "notes_en": notes[1],
    }


# --- materials that many services share ----------------------------------------------------

ID_CARD = material(
    "申请人居民身份证", "Applicant's resident identity card", cert="resident-id", original=True
)
HUKOU = material(
    "居民户口簿", "Household register (hukou booklet)", cert="household-register", original=True
)
BUSINESS_LICENCE = material("营业执照", "Business licence", cert="business-licence", original=True)
LEGAL_REP_ID = material(
    "法定代表人（负责人）身份证件",
    "ID of the legal representative (or person in charge)",
    cert="resident-id",
)
AGENT = material(
    "授权委托书及受托人身份证件",
    "Power of attorney and the agent's ID",
    when=("委托他人代为办理的", "When someone applies on the applicant's behalf"),
)
PREMISES = material(
    "经营场所使用证明",
    "Proof of the right to use the premises",
    notes=("房屋产权证明或租赁合同", "Title certificate or lease"),
)


def application_form(zh: str, en: str) -> dict[str, Any]:
    return material(f"《{zh}申请表》", f"Application form for {en}", formats=PDF_ONLY)


# --- process steps --------------------------------------------------------------------------


def steps(*pairs: Text) -> list[dict[str, str]]:
    return [{"name_zh": zh, "name_en": en} for zh, en in pairs]


APPLY = ("申请", "Application")
ACCEPT = ("受理", "Acceptance")
REVIEW = ("审查", "Review")
DECIDE = ("决定", "Decision")
DELIVER = ("制证送达", "Certificate issued and delivered")
DONE = ("办结", "Completed")

STEPS_LICENSING = steps(APPLY, ACCEPT, REVIEW, DECIDE, DELIVER)
STEPS_INSPECTION = steps(APPLY, ACCEPT, ("现场核查", "On-site inspection"), DECIDE, DELIVER)
STEPS_SIMPLE = steps(APPLY, ACCEPT, DONE)
STEPS_ON_THE_SPOT = steps(
    APPLY, ("即时办结", "Completed on the spot"), ("结果送达", "Result delivered")
)
STEPS_PAYMENT = steps(
    APPLY, ACCEPT, ("审核", "Review"), ("待遇核定", "Entitlement set"), ("待遇发放", "Benefit paid")
)
STEPS_REGISTRATION = steps(
    APPLY, ACCEPT, ("审核", "Review"), ("登簿", "Entered in the register"), DELIVER
)


# --- form fields (JSON Schema) --------------------------------------------------------------

Field = tuple[str, dict[str, Any]]


def text(key: str, title: str, description: str = "", **extra: Any) -> Field:
    prop: dict[str, Any] = {"type": "string", "title": title, **extra}
    if description:
        prop["description"] = description
    return key, prop


def date(key: str, title: str) -> Field:
    return key, {"type": "string", "title": title, "format": "date"}


def choice(key: str, title: str, options: list[str]) -> Field:
    return key, {"type": "string", "title": title, "enum": options}


def integer(key: str, title: str, minimum: int = 0, **extra: Any) -> Field:
    return key, {"type": "integer", "title": title, "minimum": minimum, **extra}


def number(key: str, title: str, description: str = "") -> Field:
    key, prop = text(key, title, description)
    return key, {**prop, "type": "number", "minimum": 0}


def boolean(key: str, title: str) -> Field:
    return key, {"type": "boolean", "title": title}


APPLICANT_NAME = text("applicant_name", "申请人姓名", maxLength=50)
RESIDENT_ID = text("resident_id", "公民身份号码", format="cn-resident-id")
PHONE = text(
    "phone",
    "联系电话",
    "手机号码，用于接收办理进度短信",
    format="cn-phone",
    pattern="^1[3-9][0-9]{9}$",
)
ENTERPRISE_NAME = text("enterprise_name", "单位名称", maxLength=200)
USCC = text("uscc", "统一社会信用代码", format="cn-uscc")
LEGAL_REP = text("legal_representative", "法定代表人（负责人）", maxLength=50)
CONTACT = text("contact_name", "联系人", maxLength=50)
ADDRESS = text("address", "地址", maxLength=200)
DISTRICT = choice(
    "district",
    "所在区县",
    [
        "历下区",
        "市中区",
        "槐荫区",
        "天桥区",
        "历城区",
        "长清区",
        "章丘区",
        "济阳区",
        "莱芜区",
        "钢城区",
        "平阴县",
        "商河县",
    ],
)


def form(*fields: Field, optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """An object schema; every field is required unless named in ``optional``."""
    return {
        "type": "object",
        "properties": dict(fields),
        "required": [key for key, _ in fields if key not in optional],
    }


# --- service items --------------------------------------------------------------------------


def item_code(department: str, kind: str, main: int, sub: int = 0) -> str:
    """An implementation code: the department's credit code, the item type, main and sub item."""
    return f"{DEPARTMENT_USCC[department]}{_KIND_CODES[kind]}{main:05d}{sub:03d}"


def service(
    main: int,
    department: str,
    kind: str,
    service_object: str,
    name: Text,
    *,
    limits: tuple[int, int],
    topics: list[str],
    keywords: str,
    summary: Text,
    conditions: Text,
    basis: Text,
    steps: list[dict[str, str]],
    materials: list[dict[str, Any]],
    form: dict[str, Any],
    visits: int = 0,
    fees: list[dict[str, Any]] | None = None,
    workflow: str | None = None,
    online: bool = True,
    where: Text | None = None,
    sub: int = 0,
) -> dict[str, Any]:
    """One service item with the content of its published version."""
    legal, promised = limits
    where = where or _WHERE[department]
    return {
        "code": item_code(department, kind, main, sub),
        "department": department,
        "version": {
            "name_zh": name[0],
            "name_en": name[1],
            "kind": kind,
            "service_object": service_object,
            "summary_zh": summary[0],
            "summary_en": summary[1],
            "conditions_zh": conditions[0],
            "conditions_en": conditions[1],
            "legal_basis_zh": basis[0],
            "legal_basis_en": basis[1],
            "keywords": keywords,
            "legal_limit_days": legal,
            "promised_limit_days": promised,
            "visits": visits,
            "is_free": not fees,
            "online_available": online,
            "where_zh": where[0],
            "where_en": where[1],
            "result_name_zh": RESULTS[name[0]][0],
            "result_name_en": RESULTS[name[0]][1],
            "steps": steps,
            "form_schema": bilingual(form),
            "workflow": workflow or ("licensing" if kind == "licensing" else "public_service"),
        },
        "topics": topics,
        # Online, the e-certificate or the scanned copy stands in for the original: an original
        # is shown only at a visit (a fully online guide asking for one is refused at publish).
        "materials": [
            {**m, "original_required": m["original_required"] and visits > 0} for m in materials
        ],
        "fees": fees or [],
    }


def fee(name_zh: str, name_en: str, amount: str, basis_zh: str) -> dict[str, Any]:
    return {"name_zh": name_zh, "name_en": name_en, "amount_yuan": amount, "basis_zh": basis_zh}
