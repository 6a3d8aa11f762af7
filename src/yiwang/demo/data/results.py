"""What each demo service gives the applicant (办理结果), by the service's Chinese name."""

from __future__ import annotations

RESULTS: dict[str, tuple[str, str]] = {
    "出生医学证明签发": ("出生医学证明", "Medical birth certificate"),
    "出生登记（户口登记）": ("居民户口簿（户口登记页）", "Household register (registration page)"),
    "城乡居民基本医疗保险参保登记（新生儿）": (
        "参保登记凭证",
        "Proof of enrolment in medical insurance",
    ),
    "社会保障卡申领": ("社会保障卡", "Social security card"),
    "预防接种证办理": ("预防接种证", "Vaccination certificate"),
    "生育登记服务": ("生育登记服务单", "Birth registration service record"),
    "居民身份证申领、换领、补领": ("居民身份证", "Resident identity card"),
    "居住证办理": ("山东省居住证", "Shandong residence permit"),
    "普通护照签发": (
        "中华人民共和国普通护照",
        "Ordinary passport of the People's Republic of China",
    ),
    "内地居民结婚登记": ("结婚证", "Marriage certificate"),
    "不动产转移登记（存量房买卖）": ("不动产权证书", "Real estate title certificate"),
    "住房公积金提取（购房、租房）": (
        "住房公积金提取审批结果通知",
        "Notice of the provident fund withdrawal",
    ),
    "公共租赁住房保障资格申请": (
        "公共租赁住房保障资格证明",
        "Proof of eligibility for public rental housing",
    ),
    "失业保险金申领": ("失业保险金核定通知", "Notice of the unemployment benefit"),
    "就业创业证申领": ("就业创业证", "Employment and entrepreneurship certificate"),
    "灵活就业人员参保登记": ("参保登记凭证", "Proof of enrolment in social insurance"),
    "职工正常退休（基本养老金申领）": ("基本养老金核定表", "Pension assessment sheet"),
    "基本医疗保险跨省异地就医备案": (
        "异地就医备案凭证",
        "Proof of registration for treatment elsewhere",
    ),
    "生育津贴申领": ("生育津贴核定通知", "Notice of the maternity allowance"),
    "最低生活保障审核确认": ("最低生活保障金领取证", "Minimum living allowance card"),
    "义务教育入学登记（小学一年级）": ("入学通知书", "School admission notice"),
    "医师执业注册": ("医师执业证书", "Physician practising certificate"),
    "机动车驾驶证期满换证": ("机动车驾驶证", "Driving licence"),
    "机动车检验合格标志核发": (
        "机动车检验合格标志（电子）",
        "Vehicle inspection mark (electronic)",
    ),
    "出租汽车驾驶员从业资格证核发": (
        "出租汽车驾驶员从业资格证",
        "Taxi driver qualification certificate",
    ),
    "企业设立登记": ("营业执照", "Business licence"),
    "个体工商户设立登记": ("营业执照（个体工商户）", "Business licence (individual business)"),
    "公章刻制备案": ("印章备案信息回执", "Receipt of the seal registration"),
    "发票票种核定（新办纳税人首次申领发票）": ("发票票种核定结果", "Approved invoice types"),
    "单位参保登记（社会保险登记）": ("社会保险登记证明", "Proof of social insurance registration"),
    "住房公积金单位缴存登记": (
        "住房公积金缴存登记回执",
        "Receipt of the provident fund registration",
    ),
    "银行开户预约": ("银行开户预约回执", "Receipt of the bank account appointment"),
    "食品经营许可（餐饮服务）（新办）": ("食品经营许可证", "Food business licence"),
    "公众聚集场所投入使用、营业前消防安全检查": (
        "公众聚集场所投入使用、营业前消防安全检查合格证",
        "Fire safety inspection certificate for a public venue",
    ),
    "设置大型户外广告及在城市建筑物、设施上悬挂、张贴宣传品审批": (
        "户外广告设置许可决定书",
        "Outdoor advertising licence decision",
    ),
    "城镇污水排入排水管网许可": ("城镇污水排入排水管网许可证", "Sewer discharge permit"),
    "药品零售企业经营许可": ("药品经营许可证", "Drug business licence"),
    "企业变更登记": ("营业执照（变更后）", "Business licence (amended)"),
    "企业注销登记": ("准予注销登记通知书", "Notice of deregistration"),
    "个体工商户注销登记": ("准予注销登记通知书", "Notice of deregistration"),
    "单位招用人员就业登记": ("就业登记回执", "Receipt of the employment registration"),
    "建筑工程施工许可证核发": ("建筑工程施工许可证", "Construction permit"),
    "建设工程规划许可证核发": ("建设工程规划许可证", "Building planning permit"),
    "特殊建设工程消防验收": ("特殊建设工程消防验收意见书", "Fire safety acceptance opinion"),
    "城市道路占用、挖掘审批": (
        "城市道路占用、挖掘许可决定书",
        "Road occupation and excavation licence decision",
    ),
    "排污许可证核发": ("排污许可证", "Pollutant discharge permit"),
    "道路货物运输经营许可": ("道路运输经营许可证", "Road transport business licence"),
    "民办学校设立审批": ("民办学校办学许可证", "Private school licence"),
    "养老机构备案": ("养老机构备案回执", "Receipt of the elderly care institution registration"),
}
