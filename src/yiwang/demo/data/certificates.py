"""Electronic certificate types (电子证照) and their issuing departments."""

from __future__ import annotations

# (code, Chinese, English, issuer department code)
_ROWS = [
    ("resident-id", "居民身份证", "Resident identity card", "jn-gaj"),
    ("household-register", "居民户口簿", "Household register (hukou booklet)", "jn-gaj"),
    ("residence-permit", "居住证", "Residence permit", "jn-gaj"),
    ("business-licence", "营业执照", "Business licence", "jn-scjg"),
    ("food-business-licence", "食品经营许可证", "Food business licence", "jn-scjg"),
    ("drug-retail-licence", "药品经营许可证", "Drug trading licence", "jn-scjg"),
    ("birth-certificate", "出生医学证明", "Medical birth certificate", "jn-wjw"),
    ("vaccination-certificate", "预防接种证", "Vaccination certificate", "jn-wjw"),
    ("physician-licence", "医师执业证书", "Physician practising certificate", "jn-wjw"),
    ("marriage-certificate", "结婚证", "Marriage certificate", "jn-mzj"),
    ("real-estate-certificate", "不动产权证书", "Real estate title certificate", "jn-zrzy"),
    ("planning-permit", "建设工程规划许可证", "Construction project planning permit", "jn-zrzy"),
    ("construction-permit", "建筑工程施工许可证", "Construction works permit", "jn-xzsp"),
    ("driving-licence", "机动车驾驶证", "Motor vehicle driving licence", "jn-jjzd"),
    ("vehicle-licence", "机动车行驶证", "Motor vehicle registration certificate", "jn-jjzd"),
    ("social-security-card", "社会保障卡", "Social security card", "jn-rsj"),
    ("employment-card", "就业创业证", "Employment and entrepreneurship certificate", "jn-rsj"),
    ("discharge-permit", "排污许可证", "Pollutant discharge permit", "jn-sthj"),
    (
        "drainage-permit",
        "城镇污水排入排水管网许可证",
        "Permit to discharge wastewater into the sewer network",
        "jn-xzsp",
    ),
    ("road-transport-permit", "道路运输经营许可证", "Road transport operating permit", "jn-jtj"),
]

CERTIFICATE_TYPES = [
    {"code": code, "name_zh": zh, "name_en": en, "issuer": issuer} for code, zh, en, issuer in _ROWS
]
