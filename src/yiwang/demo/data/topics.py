"""Life events (个人办事) and business events (法人办事) under which the portal groups services."""

from __future__ import annotations

# (code, Chinese, English, icon: a name in yiwang.catalog.models.TOPIC_ICONS)
_PERSON = [
    ("birth", "出生", "Having a baby", "baby"),
    ("schooling", "上学", "Going to school", "school"),
    ("employment", "就业", "Finding work", "briefcase"),
    ("housing", "住房", "Housing", "house"),
    ("marriage", "婚育", "Marriage and family", "rings"),
    ("social-security", "社保", "Social security", "shield"),
    ("medical", "医疗", "Health care", "medical"),
    ("retirement", "退休", "Retirement", "sunset"),
    ("driving", "出行", "Driving and vehicles", "car"),
    ("residence", "户籍证件", "Residence and ID documents", "id-card"),
]
_BUSINESS = [
    ("business-opening", "开办企业", "Starting a business", "shop"),
    ("business-change", "企业变更", "Changing a business", "pencil"),
    ("business-closing", "注销", "Closing a business", "archive"),
    ("construction", "工程建设", "Construction projects", "helmet"),
    ("catering", "餐饮", "Food and catering", "bowl"),
    ("hiring", "用工", "Hiring staff", "people"),
    ("transport", "交通运输", "Transport business", "truck"),
    ("environment", "环保", "Environmental permits", "leaf"),
]

TOPICS = [
    {"code": code, "name_zh": zh, "name_en": en, "icon": icon, "audience": audience, "order": n}
    for audience, rows in (("person", _PERSON), ("business", _BUSINESS))
    for n, (code, zh, en, icon) in enumerate(rows, start=1)
]
