"""Jinan's municipal departments (市直部门) that appear in the demo catalog and workbench.

Most departments receive applicants at the windows of the Jinan Government
Service Center (济南市政务服务中心) at their own windows; each has its own consultation
line (fictitious numbers) and complaints go to the 12345 hotline.
Codes are short pinyin abbreviations that officers use (``jn-scjg`` = 市场监管).
"""

from __future__ import annotations

from yiwang.identity.validators import uscc_check_character

CENTER_ZH = "济南市历下区龙奥北路1号 济南市政务服务中心"
CENTER_EN = "Jinan Government Service Center, 1 Long'ao North Road, Lixia District, Jinan"
HOURS_ZH = "工作日 9:00—12:00，13:00—17:00（法定节假日除外）"
HOURS_EN = "Working days 9:00–12:00 and 13:00–17:00 (closed on public holidays)"


#: Each department's consultation line (fictitious numbers in Jinan's 0531-xxxxxxxx form) and
#: its windows at the service hall (受理窗口); complaints go to the 12345 hotline.
CONTACTS: dict[str, tuple[str, str, str]] = {
    "jn-xzsp": (
        "0531-66608101",
        "一楼A区 1—12号综合受理窗口",
        "Ground floor, zone A, windows 1–12 (general intake)",
    ),
    "jn-scjg": (
        "0531-66608201",
        "二楼B区 21—28号窗口（企业开办专区）",
        "1st floor, zone B, windows 21–28 (starting a business)",
    ),
    "jn-gaj": (
        "0531-66608301",
        "一楼C区 31—36号窗口（户政、出入境）",
        "Ground floor, zone C, windows 31–36 (household register, exit and entry)",
    ),
    "jn-crj": (
        "0531-66608321",
        "一楼C区 37—40号窗口（出入境证件）",
        "Ground floor, zone C, windows 37–40 (exit and entry documents)",
    ),
    "jn-jjzd": (
        "0531-66608311",
        "车辆管理所服务大厅 1—10号窗口",
        "Vehicle Administration Office hall, windows 1–10",
    ),
    "jn-rsj": (
        "0531-66608401",
        "二楼D区 41—48号窗口（社保、就业）",
        "1st floor, zone D, windows 41–48 (social insurance, employment)",
    ),
    "jn-wjw": ("0531-66608501", "三楼E区 51—53号窗口", "2nd floor, zone E, windows 51–53"),
    "jn-zjj": (
        "0531-66608601",
        "三楼F区 61—66号窗口（工程建设项目）",
        "2nd floor, zone F, windows 61–66 (construction projects)",
    ),
    "jn-jtj": ("0531-66608701", "三楼F区 67—69号窗口", "2nd floor, zone F, windows 67–69"),
    "jn-jyj": ("0531-66608801", "三楼E区 54—55号窗口", "2nd floor, zone E, windows 54–55"),
    "jn-mzj": ("0531-66608901", "三楼E区 56—58号窗口", "2nd floor, zone E, windows 56–58"),
    "jn-sthj": ("0531-66609001", "三楼F区 70—71号窗口", "2nd floor, zone F, windows 70–71"),
    "jn-cgj": ("0531-66609101", "三楼F区 72—74号窗口", "2nd floor, zone F, windows 72–74"),
    "jn-zrzy": ("0531-66609201", "三楼F区 75—78号窗口", "2nd floor, zone F, windows 75–78"),
    "jn-ybj": (
        "0531-66609301",
        "二楼D区 49—50号窗口（医保）",
        "1st floor, zone D, windows 49–50 (medical insurance)",
    ),
    "jn-swj": (
        "0531-66609401",
        "二楼B区 29—34号窗口（税务）",
        "1st floor, zone B, windows 29–34 (tax)",
    ),
    "jn-gjj": (
        "0531-66609501",
        "二楼D区 35—38号窗口（公积金）",
        "1st floor, zone D, windows 35–38 (housing provident fund)",
    ),
    "jn-cxsw": ("0531-66609601", "三楼F区 79—80号窗口", "2nd floor, zone F, windows 79–80"),
    "jn-xfzd": (
        "0531-66609701",
        "三楼F区 81—82号窗口（消防）",
        "2nd floor, zone F, windows 81–82 (fire safety)",
    ),
    "jn-dsj": ("0531-66609801", "", ""),
    "jn-12345": ("12345", "", ""),
    "lx-zhzf": ("0531-86551201", "", ""),
    "lx-rxb": ("0531-86551301", "", ""),
    "lx-qcl": ("0531-86081001", "", ""),
}


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
    kind: str = "department",
) -> dict[str, str | None]:
    uscc17 = f"11{region}{org}"
    return {
        "code": code,
        "name_zh": name_zh,
        "name_en": name_en,
        "short_name_zh": short,
        "kind": kind,
        "parent": parent,
        "region": region,
        "address_zh": address_zh,
        "address_en": address_en,
        "phone": CONTACTS[code][0],
        "complaint_phone": "12345",
        "windows_zh": CONTACTS[code][1],
        "windows_en": CONTACTS[code][2],
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
        "jn-crj",
        "济南市公安局出入境管理支队",
        "Exit and Entry Administration Detachment of the Jinan Public Security Bureau",
        "市公安局出入境管理支队",
        "004186120",
        parent="jn-gaj",
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
    # A street office (街道办事处): it leads only the neighbourhood matters the dispatch
    # directory gives it (国办函〔2025〕66号: a department's matter is not pushed down to it).
    _dept(
        "lx-qcl",
        "济南市历下区泉城路街道办事处",
        "Quanchenglu Subdistrict Office, Lixia District",
        "泉城路街道",
        "MB2855522",
        region="370102",
        address_zh="济南市历下区",
        address_en="Lixia District, Jinan",
        kind="street_office",
    ),
]

#: Department code → the unified social credit code used as its item code prefix.
DEPARTMENT_USCC = {d["code"]: d["uscc"] for d in DEPARTMENTS}
