"""The demo city's 12345 data: categories, dispatch directory, knowledge base, IoT devices.

The category tree follows the layered structure of GB/T 39666-2020 (政府热线服务分类与代码:
domain › matter › item) with the issue's examples; its codes are the demo's own, not the
standard's, which a city takes from the published text. Limits default to 山东省政务服务热线
管理办法 (5 working days to handle, one extension of at most 10, return within 2 working
days); the sign-for limit is the centre's (2 working hours, 1 for urgent safety matters).
"""

from __future__ import annotations

from typing import Any

#: (code, parent code, name_zh, name_en, options)
CATEGORIES: list[tuple[str, str | None, str, str, dict[str, Any]]] = [
    ("01", None, "城乡建设", "Urban and rural construction", {}),
    ("0101", "01", "市政设施", "Municipal facilities", {}),
    ("010101", "0101", "井盖缺失", "Missing manhole cover",
     {"sign_limit_hours": 1, "handle_limit_days": 2, "keywords": "井盖 窨井 下水道"}),
    ("010102", "0101", "路灯不亮", "Street light out", {"keywords": "路灯 照明"}),
    ("010103", "0101", "道路破损", "Damaged road", {"keywords": "坑洼 路面"}),
    ("0102", "01", "供水供气", "Water and gas supply", {}),
    ("010201", "0102", "停水", "Water outage", {"needs_contact": True, "keywords": "自来水 水压"}),
    ("02", None, "城市管理", "Urban management", {}),
    ("0201", "02", "占道经营", "Street vending",
     {"callback_required": False, "keywords": "摆摊 流动摊贩"}),
    ("0202", "02", "违章建筑", "Illegal construction", {"keywords": "违建 私搭乱建"}),
    ("0203", "02", "垃圾清运", "Garbage collection",
     {"callback_channel": "link", "keywords": "垃圾 环卫"}),
    ("0204", "02", "楼道堆物", "Items piled in stairwells",
     {"callback_channel": "link", "keywords": "楼道 杂物 消防通道 小区"}),
    ("03", None, "生态环境", "Ecology and environment", {}),
    ("0301", "03", "噪声扰民", "Noise nuisance", {"keywords": "噪音 施工 夜间"}),
    ("0302", "03", "大气污染", "Air pollution", {"keywords": "油烟 粉尘 异味"}),
    ("04", None, "交通运输", "Transport", {}),
    ("0401", "04", "信号灯故障", "Traffic light failure",
     {"sign_limit_hours": 1, "keywords": "红绿灯 信号"}),
    ("0402", "04", "公交服务", "Bus service", {"keywords": "公交 线路 司机"}),
    ("05", None, "政策咨询", "Policy inquiries", {}),
    ("0501", "05", "社会保险咨询", "Social insurance inquiry",
     {"callback_required": False, "keywords": "社保 养老 医保卡"}),
    ("0502", "05", "住房公积金咨询", "Housing provident fund inquiry",
     {"callback_required": False, "keywords": "公积金 提取 贷款"}),
]  # fmt: skip

#: (category code, district code or None for city-wide, lead, supporting)
DIRECTORY: list[tuple[str, str | None, str, list[str]]] = [
    ("010101", None, "jn-cgj", ["jn-jtj"]),
    ("010102", None, "jn-cgj", []),
    ("010103", None, "jn-jtj", ["jn-cgj"]),
    ("010201", None, "jn-cxsw", []),
    ("0201", None, "jn-cgj", []),
    ("0201", "370102", "lx-zhzf", []),  # in 历下区 the district's law enforcement bureau
    ("0202", None, "jn-zrzy", ["jn-cgj"]),
    ("0202", "370102", "lx-zhzf", ["jn-zrzy"]),
    ("0203", None, "jn-cgj", []),
    ("0203", "370102", "lx-zhzf", []),
    ("0204", None, "jn-cgj", []),
    (
        "0204",
        "370102",
        "lx-qcl",
        ["lx-zhzf"],
    ),  # in 历下区 the street office leads, by the directory
    ("0301", None, "jn-sthj", ["jn-gaj"]),
    ("0302", None, "jn-sthj", []),
    ("0401", None, "jn-jjzd", []),
    ("0402", None, "jn-jtj", []),
    ("0501", None, "jn-rsj", []),
    ("0502", None, "jn-gjj", []),
]

#: Standard answers (知识库): key, category code, title, answer, keywords.
ARTICLES: list[tuple[str, str, str, str, str]] = [
    (
        "social-security-card-replacement",
        "0501",
        "社会保障卡丢失如何补办",
        "社会保障卡丢失后，请先拨打12345或通过“爱山东”App办理挂失；补办可在合作银行网点"
        "或人社服务大厅办理，携带本人有效身份证件。具体网点和所需时间以人社部门公布为准。",
        "社保卡 补办 挂失",
    ),
    (
        "housing-fund-withdrawal",
        "0502",
        "住房公积金提取需要什么条件",
        "购买、建造、翻建、大修自住住房，偿还购房贷款本息，租房自住，离休退休等情形可申请"
        "提取住房公积金。所需材料和额度以济南住房公积金中心公布的政策为准，可在线办理。",
        "公积金 提取",
    ),
    (
        "night-construction-noise",
        "0301",
        "夜间施工噪声如何处理",
        "在噪声敏感建筑物集中区域，夜间（22时至次日6时）原则上禁止产生噪声的建筑施工作业，"
        "因生产工艺要求或特殊需要必须连续施工的，应取得证明并公告附近居民。发现夜间违规施工"
        "可拨打12345反映，由生态环境部门核查处理。",
        "夜间施工 噪声",
    ),
    (
        "manhole-report",
        "010101",
        "发现井盖缺失怎么办",
        "井盖缺失、破损存在安全隐患，请立即拨打12345说明具体位置，并在周边设置明显警示；"
        "热线将派单至产权或管理单位紧急处置。",
        "井盖",
    ),
]

#: IoT devices: code, name, category, owner department, latitude, longitude, address.
DEVICES: list[tuple[str, str, str, str, float, float, str]] = [
    ("MH-LX-0001", "泉城路井盖倾斜传感器01", "010101", "jn-cgj", 36.6640, 117.0210, "历下区泉城路"),
    ("MH-LX-0002", "泉城路井盖倾斜传感器02", "010101", "jn-cgj", 36.6645, 117.0240, "历下区泉城路"),
    ("NS-SZ-0001", "经四路噪声监测点", "0301", "jn-sthj", 36.6570, 116.9950, "市中区经四路"),
]  # fmt: skip

#: The demo integrator's Open311 key (public, like the demo password): never in production.
OPEN311_DEMO_KEY = "yiwang-demo-open311-2026-jinan"
