"""Jinan's municipal departments (市直部门) that appear in the demo catalog and workbench.

Most departments receive applicants at the windows of the Jinan Government
Service Center (济南市政务服务中心); the consultation line is the 12345 hotline.
Codes are short pinyin abbreviations that officers use (``jn-scjg`` = 市场监管).
"""

from __future__ import annotations

from yiwang.identity.validators import uscc_check_character

CENTER_ZH = "济南市历下区龙奥北路1号 济南市政务服务中心"
CENTER_EN = "Jinan Government Service Center, 1 Long'ao North Road, Lixia District, Jinan"
HOURS_ZH = "工作日 9:00—12:00，13:00—17:00（法定节假日除外）"
HOURS_EN = "Working days 9:00–12:00 and 13:00–17:00 (closed on public holidays)"


def _dept(
    code: str,
    name_zh: str,
    name_en: str,
    short: str,
    org: str,
    *,
    parent: str | None = None,
    address_zh: str = CENTER_ZH,
    address_en: str = CENTER_EN,
    region: str = "370100",
) -> dict[str, str | None]:
    uscc17 = f"11{region}{org}"
    return {
        "code": code,
        "name_zh": name_zh,
        "name_en": name_en,
        "short_name_zh": short,
        "parent": parent,
        "region": region,
        "address_zh": address_zh,
        "address_en": address_en,
        "phone": "12345",
        "office_hours_zh": HOURS_ZH,
        "office_hours_en": HOURS_EN,
        # Not stored on Department: the prefix of the department's item codes (实施编码),
        # an organ's unified social credit code (11 = 机构编制 / 机关, 370100 = Jinan).
        "uscc": uscc17 + uscc_check_character(uscc17),
    }


DEPARTMENTS = [
    _dept(
        "jn-xzsp",
        "济南市行政审批服务局",
        "Jinan Administrative Approval Service Bureau",
        "市行政审批服务局",
        "MB2855501",
    ),
    _dept(
        "jn-scjg",
        "济南市市场监督管理局",
        "Jinan Administration for Market Regulation",
        "市市场监管局",
        "MB2855502",
    ),
    _dept(
        "jn-gaj", "济南市公安局", "Jinan Municipal Public Security Bureau", "市公安局", "004186103"
    ),
    _dept(
        "jn-jjzd",
        "济南市公安局交通警察支队",
        "Traffic Police Detachment of the Jinan Public Security Bureau",
        "市交警支队",
        "004186111",
        parent="jn-gaj",
        address_zh="济南市车辆管理所及各车驾管服务站",
        address_en="Jinan Vehicle Administration Office and its service stations",
    ),
    _dept(
        "jn-rsj",
        "济南市人力资源和社会保障局",
        "Jinan Human Resources and Social Security Bureau",
        "市人社局",
        "MB2855504",
    ),
    _dept("jn-wjw", "济南市卫生健康委员会", "Jinan Health Commission", "市卫健委", "MB2855505"),
    _dept(
        "jn-zjj",
        "济南市住房和城乡建设局",
        "Jinan Housing and Urban-Rural Development Bureau",
        "市住建局",
        "MB2855506",
    ),
    _dept("jn-jtj", "济南市交通运输局", "Jinan Transport Bureau", "市交通运输局", "MB2855507"),
    _dept("jn-jyj", "济南市教育局", "Jinan Education Bureau", "市教育局", "MB2855508"),
    _dept("jn-mzj", "济南市民政局", "Jinan Civil Affairs Bureau", "市民政局", "MB2855509"),
    _dept(
        "jn-sthj",
        "济南市生态环境局",
        "Jinan Ecology and Environment Bureau",
        "市生态环境局",
        "MB2855510",
    ),
    _dept("jn-cgj", "济南市城市管理局", "Jinan Urban Management Bureau", "市城管局", "MB2855511"),
    _dept(
        "jn-zrzy",
        "济南市自然资源和规划局",
        "Jinan Natural Resources and Planning Bureau",
        "市自然资源和规划局",
        "MB2855512",
    ),
    _dept(
        "jn-ybj", "济南市医疗保障局", "Jinan Healthcare Security Bureau", "市医保局", "MB2855513"
    ),
    _dept(
        "jn-swj",
        "国家税务总局济南市税务局",
        "Jinan Municipal Tax Service, State Taxation Administration",
        "市税务局",
        "MB2855514",
    ),
    _dept(
        "jn-gjj",
        "济南住房公积金中心",
        "Jinan Housing Provident Fund Center",
        "市公积金中心",
        "MB2855515",
    ),
    _dept(
        "jn-cxsw",
        "济南市城乡水务局",
        "Jinan Urban and Rural Water Affairs Bureau",
        "市城乡水务局",
        "MB2855516",
    ),
    _dept(
        "jn-xfzd",
        "济南市消防救援支队",
        "Jinan Fire and Rescue Detachment",
        "市消防救援支队",
        "MB2855517",
    ),
    _dept("jn-dsj", "济南市大数据局", "Jinan Big Data Bureau", "市大数据局", "MB2855518"),
    _dept(
        "jn-12345",
        "济南市12345市民服务热线",
        "Jinan 12345 Citizen Service Hotline",
        "12345热线",
        "MB2855519",
        parent="jn-dsj",
    ),
    # 历下区: a district's law enforcement bureau (handles city management matters in the
    # district, by the dispatch directory) and its hotline office (supervises the district).
    _dept(
        "lx-zhzf",
        "济南市历下区综合行政执法局",
        "Lixia District Comprehensive Administrative Law Enforcement Bureau",
        "历下区综合执法局",
        "MB2855520",
        region="370102",
        address_zh="济南市历下区",
        address_en="Lixia District, Jinan",
    ),
    _dept(
        "lx-rxb",
        "济南市历下区政务服务热线办公室",
        "Lixia District Government Service Hotline Office",
        "历下区热线办",
        "MB2855521",
        region="370102",
        address_zh="济南市历下区",
        address_en="Lixia District, Jinan",
    ),
]

#: Department code → the unified social credit code used as its item code prefix.
DEPARTMENT_USCC = {d["code"]: d["uscc"] for d in DEPARTMENTS}
