"""Demo accounts: one or more per role, all with the same documented password.

The password is public (it is printed by ``load_demo`` and written in the
README); the demo must never be loaded into a production database.
"""

from __future__ import annotations

from yiwang.identity.validators import resident_id_check_character, uscc_check_character

DEMO_PASSWORD = "yiwang-demo-2026"  # noqa: S105 - documented demo password


def _resident_id(first17: str) -> str:
    return first17 + resident_id_check_character(first17)


def _uscc(first17: str) -> str:
    return first17 + uscc_check_character(first17)


# username, display name, email, is_staff, is_superuser, [(role, department code or None)]
USERS = [
    {
        "username": "admin",
        "display_name": "系统管理员",
        "staff": True,
        "superuser": True,
        "roles": [],
    },
    {"username": "citizen", "display_name": "张明", "roles": [("citizen", None)]},
    {"username": "enterprise", "display_name": "李华", "roles": [("enterprise", None)]},
    {
        "username": "clerk_scjg",
        "display_name": "王芳（市场监管局受理员）",
        "roles": [("intake_clerk", "jn-scjg")],
    },
    {
        "username": "reviewer_scjg",
        "display_name": "刘洋（市场监管局审核员）",
        "roles": [("reviewer", "jn-scjg")],
    },
    {
        "username": "approver_scjg",
        "display_name": "陈静（市场监管局审批人）",
        "roles": [("approver", "jn-scjg")],
    },
    {
        "username": "clerk_xzsp",
        "display_name": "赵磊（行政审批服务局受理员）",
        "roles": [("intake_clerk", "jn-xzsp")],
    },
    {
        "username": "reviewer_xzsp",
        "display_name": "孙丽（行政审批服务局审核员）",
        "roles": [("reviewer", "jn-xzsp")],
    },
    {
        "username": "approver_xzsp",
        "display_name": "周强（行政审批服务局审批人）",
        "roles": [("approver", "jn-xzsp")],
    },
    {
        "username": "handler_scjg",
        "display_name": "何平（市场监管局承办人）",
        "roles": [("department_handler", "jn-scjg")],
    },
    {
        "username": "head_scjg",
        "display_name": "钱军（市场监管局科长）",
        "roles": [("supervisor", "jn-scjg")],
    },
    {
        "username": "handler_xzsp",
        "display_name": "郭敏（行政审批服务局承办人）",
        "roles": [("department_handler", "jn-xzsp")],
    },
    {
        "username": "handler_cg",
        "display_name": "吴刚（城管局承办人）",
        "roles": [("department_handler", "jn-cgj")],
    },
    {
        "username": "handler_sthj",
        "display_name": "何平（生态环境局承办人）",
        "roles": [("department_handler", "jn-sthj")],
    },
    {
        "username": "handler_jtj",
        "display_name": "马骏（交通运输局承办人）",
        "roles": [("department_handler", "jn-jtj")],
    },
    {
        "username": "handler_lixia",
        "display_name": "钱亮（历下区综合执法局承办人）",
        "roles": [("department_handler", "lx-zhzf")],
    },
    {
        "username": "handler_qcl",
        "display_name": "宋佳（泉城路街道承办人）",
        "roles": [("department_handler", "lx-qcl")],
    },
    {
        "username": "supervisor_lixia",
        "display_name": "孔兰（历下区热线办督办员）",
        "roles": [("supervisor", "lx-rxb")],
    },
    {
        "username": "supervisor",
        "display_name": "郑敏（12345热线督办员）",
        "roles": [("supervisor", "jn-12345")],
    },
    {
        "username": "hotline",
        "display_name": "冯雪（12345话务员）",
        "roles": [("hotline_operator", None)],
    },
    {
        "username": "catalog_admin",
        "display_name": "黄伟（事项目录管理员）",
        "staff": True,
        "roles": [("catalog_admin", None)],
    },
    {"username": "leader", "display_name": "杨建国（市领导）", "roles": [("city_leader", None)]},
    {"username": "integrator", "display_name": "系统对接（接口）", "roles": [("integrator", None)]},
]

#: Departments whose services the named accounts above do not cover: each gets one back-office
#: officer (经办人) who holds every officer role there, so each demo service can be taken to
#: its end with the demo accounts (tests/demo/test_every_service.py walks them all).
ONE_OFFICER_DEPARTMENTS = {
    "jn-gaj": "公安局",
    "jn-crj": "出入境管理支队",
    "jn-jjzd": "交警支队",
    "jn-rsj": "人社局",
    "jn-wjw": "卫健委",
    "jn-zjj": "住建局",
    "jn-jtj": "交通运输局",
    "jn-jyj": "教育局",
    "jn-mzj": "民政局",
    "jn-sthj": "生态环境局",
    "jn-zrzy": "自然资源和规划局",
    "jn-ybj": "医保局",
    "jn-swj": "税务局",
    "jn-gjj": "公积金中心",
    "jn-xfzd": "消防救援支队",
    "jn-cgj": "城管局",  # handler_cg handles city events; its licences need the other roles
}
_OFFICER_ROLES = ("intake_clerk", "reviewer", "approver", "department_handler")
USERS += [
    {
        "username": f"officer_{code.removeprefix('jn-')}",
        "display_name": f"{name}经办人（演示）",
        "roles": [(role, code) for role in _OFFICER_ROLES],
    }
    for code, name in ONE_OFFICER_DEPARTMENTS.items()
]
#: 好差评 supervision (政务服务效能督查): a supervisor of every department that offers services.
USERS.append(
    {
        "username": "supervisor_zwfw",
        "display_name": "林悦（政务服务好差评督办员）",
        "roles": [
            ("supervisor", code) for code in ("jn-scjg", "jn-xzsp", *ONE_OFFICER_DEPARTMENTS)
        ],
    }
)
for _user in USERS:
    _user.setdefault("staff", False)
    _user.setdefault("superuser", False)
    _user["email"] = f"{_user['username']}@demo.yiwang.example"

CITIZEN = {
    "username": "citizen",
    "name": "张明",
    # 历下区, born 1990-03-07, sequence 123 (odd: male).
    "resident_id": _resident_id("37010219900307123"),
    "phone": "13805310001",
    "address": "济南市历下区泉城路180号",
}

#: The citizen's own sole proprietorship (个体工商户, credit code 92…), which he operates
#: (经营者): he applies in his own name with its code, e.g. for a food business licence.
CITIZEN_BUSINESS = {
    "name": "张明小吃店",
    # 9 = 市场监管, 2 = 个体工商户, 370102 = 历下区.
    "uscc": _uscc("92370102MA3CXK7B1"),
    "legal_representative": "张明",
    "address": "济南市历下区芙蓉街70号",
    "region": "370102",
    "is_legal_representative": True,
}

ENTERPRISE_AGENT = "enterprise"
ENTERPRISES = [
    {
        "name": "济南泉城味道餐饮管理有限公司",
        # 9 = 市场监管, 1 = 企业, 370100 = 济南.
        "uscc": _uscc("91370100MA3CXK7B1"),
        "legal_representative": "李华",
        "address": "济南市历下区芙蓉街68号",
        "region": "370102",
        "is_legal_representative": True,
    },
    {
        "name": "山东齐鲁智造科技有限公司",
        "uscc": _uscc("91370100MA3D8N2P5"),
        "legal_representative": "高远",
        "address": "济南市历城区港沟街道新泺大街1166号",
        "region": "370112",
        "is_legal_representative": False,
        "authorisation": "授权委托书（演示），2026-01-05 高远签署",
    },
]
