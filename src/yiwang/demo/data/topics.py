"""Life events (个人办事) and business events (法人办事) under which the portal groups services."""

from __future__ import annotations

# (code, Chinese, English, icon)
_PERSON = [
    ("birth", "出生", "Having a baby", "👶"),
    ("schooling", "上学", "Going to school", "🎒"),
    ("employment", "就业", "Finding work", "💼"),
    ("housing", "住房", "Housing", "🏠"),
    ("marriage", "婚育", "Marriage and family", "💍"),
    ("social-security", "社保", "Social security", "🛡️"),
    ("medical", "医疗", "Health care", "🏥"),
    ("retirement", "退休", "Retirement", "🌅"),
    ("driving", "出行", "Driving and vehicles", "🚗"),
    ("residence", "户籍证件", "Residence and ID documents", "🪪"),
]
_BUSINESS = [
    ("business-opening", "开办企业", "Starting a business", "🏪"),
    ("business-change", "企业变更", "Changing a business", "📝"),
    ("business-closing", "注销", "Closing a business", "📦"),
    ("construction", "工程建设", "Construction projects", "🏗️"),
    ("catering", "餐饮", "Food and catering", "🍜"),
    ("hiring", "用工", "Hiring staff", "👷"),
    ("transport", "交通运输", "Transport business", "🚚"),
    ("environment", "环保", "Environmental permits", "🌿"),
]

TOPICS = [
    {"code": code, "name_zh": zh, "name_en": en, "icon": icon, "audience": audience, "order": n}
    for audience, rows in (("person", _PERSON), ("business", _BUSINESS))
    for n, (code, zh, en, icon) in enumerate(rows, start=1)
]
