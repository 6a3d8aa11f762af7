"""Services for enterprises and self-employed businesses: opening, catering, change, closing,
hiring, construction, environment and transport."""

# ruff: noqa: E501 - data: long bilingual strings read better on one line

from __future__ import annotations

from yiwang.demo.data.builders import (
    ADDRESS,
    AGENT,
    BUSINESS_LICENCE,
    CONTACT,
    DISTRICT,
    ENTERPRISE_NAME,
    ID_CARD,
    LEGAL_REP,
    LEGAL_REP_ID,
    PDF_ONLY,
    PHONE,
    PREMISES,
    STEPS_INSPECTION,
    STEPS_LICENSING,
    STEPS_ON_THE_SPOT,
    USCC,
    application_form,
    choice,
    date,
    integer,
    material,
    number,
    service,
    steps,
    text,
)

MARKET_ENTITY_LAW = (
    "《中华人民共和国市场主体登记管理条例》第三条、第十九条；《中华人民共和国公司法》第二十九条",
    "Regulation on the Registration of Market Entities, arts. 3 and 19; Company Law, art. 29",
)
BUSINESS_TYPES = ["有限责任公司", "股份有限公司", "个人独资企业", "合伙企业", "农民专业合作社"]

SERVICES = [
    # ---- starting a business (企业开办) ----------------------------------------------------
    service(
        1001,
        "jn-scjg",
        "registration",
        "legal_person",
        ("企业设立登记", "Registration of a new enterprise"),
        limits=(3, 1),
        topics=["business-opening"],
        keywords="营业执照 执照 办执照 公司注册 注册公司 开公司 企业开办 工商注册 设立登记",
        summary=(
            "申请人通过企业开办“一窗通”在线提交设立登记申请，审核通过后领取营业执照（含电子营业执照）。",
            "Register a new company online through the one-window business start-up system and receive the business licence, including the electronic one.",
        ),
        conditions=(
            "企业名称经自主申报符合规定；有符合规定的住所；出资人、法定代表人符合法律法规规定。",
            "The company name has been self-declared and complies with the rules; the company has a lawful domicile; investors and the legal representative meet the legal requirements.",
        ),
        basis=MARKET_ENTITY_LAW,
        steps=STEPS_LICENSING,
        materials=[
            application_form("公司登记（备案）", "company registration"),
            material("公司章程", "Articles of association", formats=PDF_ONLY),
            material(
                "股东的主体资格证明或自然人身份证件",
                "Proof of identity of each shareholder",
                cert="resident-id",
            ),
            LEGAL_REP_ID,
            material(
                "住所使用相关文件",
                "Documents on the use of the domicile",
                notes=("产权证明或租赁协议", "Title certificate or lease"),
            ),
            AGENT,
        ],
        form={
            "type": "object",
            "properties": dict(
                [
                    text("enterprise_name", "企业名称", "已自主申报的名称", maxLength=200),
                    choice("enterprise_type", "企业类型", BUSINESS_TYPES),
                    number("registered_capital", "注册资本（万元）"),
                    text("business_scope", "经营范围", "按经营范围规范表述目录选择"),
                    ADDRESS,
                    DISTRICT,
                    LEGAL_REP,
                    PHONE,
                ]
            ),
            "required": [
                "enterprise_name",
                "enterprise_type",
                "registered_capital",
                "business_scope",
                "address",
                "district",
                "legal_representative",
                "phone",
            ],
        },
    ),
    service(
        1002,
        "jn-scjg",
        "registration",
        "person",
        ("个体工商户设立登记", "Registration of an individual business (getihu)"),
        limits=(3, 0),
        topics=["business-opening", "catering"],
        keywords="个体户 营业执照 执照 办执照 开店 小店 门店 个体工商户 摆摊",
        summary=(
            "自然人从事个体经营的，办理个体工商户设立登记，材料齐全、符合法定形式的当场发放营业执照。",
            "A person who runs a small business registers as an individual business; complete applications receive the business licence on the spot.",
        ),
        conditions=(
            "有经营能力的自然人；有固定经营场所；经营范围不属于法律法规禁止的行业。",
            "A natural person able to run a business, with fixed premises, in a trade that is not prohibited.",
        ),
        basis=(
            "《促进个体工商户发展条例》第九条；《中华人民共和国市场主体登记管理条例》第十九条",
            "Regulation on Promoting the Development of Individual Businesses, art. 9; Regulation on the Registration of Market Entities, art. 19",
        ),
        steps=STEPS_ON_THE_SPOT,
        materials=[
            application_form("个体工商户登记（备案）", "individual business registration"),
            ID_CARD,
            PREMISES,
            AGENT,
        ],
        form={
            "type": "object",
            "properties": dict(
                [
                    text("business_name", "个体工商户名称", "可不使用名称", maxLength=100),
                    text("operator_name", "经营者姓名", maxLength=50),
                    text("business_scope", "经营范围"),
                    choice("organisation_form", "组成形式", ["个人经营", "家庭经营"]),
                    ADDRESS,
                    DISTRICT,
                    PHONE,
                ]
            ),
            "required": [
                "operator_name",
                "business_scope",
                "organisation_form",
                "address",
                "district",
                "phone",
            ],
        },
    ),
    service(
        1003,
        "jn-gaj",
        "registration",
        "legal_person",
        ("公章刻制备案", "Filing of official seal engraving"),
        limits=(1, 0),
        topics=["business-opening"],
        keywords="刻章 公章 印章 刻公章 财务章 发票章 法人章",
        summary=(
            "新设立企业在企业开办平台选择刻章企业刻制公章，公安机关同步完成印章备案，费用由政府承担。",
            "A new enterprise orders its seals through the business start-up platform; the police record the seals at the same time, free of charge.",
        ),
        conditions=("已领取营业执照的企业。", "An enterprise that holds a business licence."),
        basis=(
            "《国务院关于第三批取消中央指定地方实施行政许可事项的决定》（国发〔2017〕7号，取消公章刻制审批，改为备案管理）",
            "State Council Decision on the Third Batch of Cancelled Licensing Items (Guofa [2017] No. 7): seal engraving approval replaced by filing",
        ),
        steps=STEPS_ON_THE_SPOT,
        materials=[BUSINESS_LICENCE, LEGAL_REP_ID, AGENT],
        form={
            "type": "object",
            "properties": dict(
                [
                    ENTERPRISE_NAME,
                    USCC,
                    choice(
                        "seal_set",
                        "刻制印章",
                        [
                            "公章、财务专用章、发票专用章、法定代表人名章",
                            "公章、财务专用章、发票专用章",
                            "仅公章",
                        ],
                    ),
                    choice(
                        "engraver",
                        "刻章企业",
                        ["济南泉印印章有限公司", "济南鲁印文化用品有限公司", "济南金石刻字社"],
                    ),
                    PHONE,
                ]
            ),
            "required": ["enterprise_name", "uscc", "seal_set", "engraver", "phone"],
        },
    ),
    service(
        1004,
        "jn-swj",
        "other",
        "legal_person",
        (
            "发票票种核定（新办纳税人首次申领发票）",
            "Invoice type approval for new taxpayers (first invoices)",
        ),
        limits=(5, 0),
        topics=["business-opening"],
        keywords="发票 申领发票 领发票 开发票 数电票 税控 票种核定 税务登记",
        summary=(
            "新办纳税人确认税务信息后，核定发票票种和开具金额总额度，即可使用全面数字化的电子发票。",
            "A new taxpayer confirms its tax details; the tax office sets the invoice types and total invoicing amount, and the taxpayer can issue fully digital e-invoices.",
        ),
        conditions=(
            "已办理登记信息确认的新办纳税人。",
            "A new taxpayer whose registration details are confirmed.",
        ),
        basis=(
            "《中华人民共和国发票管理办法》第十五条；《中华人民共和国税收征收管理法》第二十一条",
            "Measures on Invoice Management, art. 15; Law on the Administration of Tax Collection, art. 21",
        ),
        steps=STEPS_ON_THE_SPOT,
        materials=[
            BUSINESS_LICENCE,
            material(
                "办税人员身份证件", "ID of the tax officer of the enterprise", cert="resident-id"
            ),
        ],
        form={
            "type": "object",
            "properties": dict(
                [
                    ENTERPRISE_NAME,
                    USCC,
                    choice("taxpayer_type", "纳税人类型", ["小规模纳税人", "一般纳税人"]),
                    choice(
                        "invoice_types",
                        "申领票种",
                        ["数电发票（增值税专用发票）", "数电发票（普通发票）", "两者均申领"],
                    ),
                    text("tax_officer", "办税人员姓名", maxLength=50),
                    PHONE,
                ]
            ),
            "required": [
                "enterprise_name",
                "uscc",
                "taxpayer_type",
                "invoice_types",
                "tax_officer",
                "phone",
            ],
        },
    ),
    service(
        1005,
        "jn-rsj",
        "registration",
        "legal_person",
        ("单位参保登记（社会保险登记）", "Social insurance registration of an employer"),
        limits=(15, 0),
        topics=["business-opening", "hiring"],
        keywords="社保开户 单位社保 社保登记 参保 五险 员工社保",
        summary=(
            "用人单位自成立之日起三十日内办理社会保险登记，取得单位社会保险编号。",
            "An employer registers for social insurance within 30 days of its founding and receives its social insurance number.",
        ),
        conditions=("依法设立的用人单位。", "A lawfully established employer."),
        basis=(
            "《中华人民共和国社会保险法》第五十七条；《社会保险费征缴暂行条例》第七条",
            "Social Insurance Law, art. 57; Interim Regulation on the Collection of Social Insurance Contributions, art. 7",
        ),
        steps=STEPS_ON_THE_SPOT,
        materials=[BUSINESS_LICENCE, LEGAL_REP_ID],
        form={
            "type": "object",
            "properties": dict(
                [
                    ENTERPRISE_NAME,
                    USCC,
                    LEGAL_REP,
                    integer("employees", "参保职工人数"),
                    text("bank_account", "缴费银行账号", maxLength=40),
                    CONTACT,
                    PHONE,
                ]
            ),
            "required": [
                "enterprise_name",
                "uscc",
                "legal_representative",
                "employees",
                "contact_name",
                "phone",
            ],
        },
    ),
    service(
        1006,
        "jn-gjj",
        "registration",
        "legal_person",
        ("住房公积金单位缴存登记", "Housing provident fund registration of an employer"),
        limits=(5, 0),
        topics=["business-opening", "hiring"],
        keywords="公积金开户 单位公积金 公积金缴存 公积金登记",
        summary=(
            "单位自设立之日起三十日内办理住房公积金缴存登记，并为本单位职工办理账户设立。",
            "An employer registers with the housing provident fund within 30 days of its founding and opens accounts for its employees.",
        ),
        conditions=("依法设立的单位。", "A lawfully established employer."),
        basis=(
            "《住房公积金管理条例》第十三条、第十四条",
            "Regulation on the Administration of Housing Provident Funds, arts. 13 and 14",
        ),
        steps=STEPS_ON_THE_SPOT,
        materials=[
            BUSINESS_LICENCE,
            material(
                "《住房公积金单位缴存登记表》", "Employer registration form", formats=PDF_ONLY
            ),
        ],
        form={
            "type": "object",
            "properties": dict(
                [
                    ENTERPRISE_NAME,
                    USCC,
                    integer("employees", "缴存职工人数"),
                    integer("contribution_rate", "缴存比例（%）", minimum=5, maximum=12),
                    CONTACT,
                    PHONE,
                ]
            ),
            "required": [
                "enterprise_name",
                "uscc",
                "employees",
                "contribution_rate",
                "contact_name",
                "phone",
            ],
        },
    ),
    service(
        1007,
        "jn-xzsp",
        "public_service",
        "legal_person",
        ("银行开户预约", "Bank account opening appointment"),
        limits=(1, 0),
        topics=["business-opening"],
        keywords="银行开户 对公账户 基本户 基本存款账户 开户",
        summary=(
            "在企业开办平台选择开户银行和网点，银行提前获取企业登记信息，企业到网点一次办结开户。",
            "Choose a bank and branch on the business start-up platform; the bank receives the registration data in advance and opens the account in one visit.",
        ),
        conditions=("已领取营业执照的企业。", "An enterprise that holds a business licence."),
        basis=(
            "《人民币银行结算账户管理办法》第十七条；《中国人民银行关于取消企业银行账户许可的通知》（银发〔2019〕41号）",
            "Measures on RMB Bank Settlement Accounts, art. 17; PBoC notice abolishing bank account licences (2019 No. 41)",
        ),
        steps=steps(
            ("预约", "Appointment"), ("银行核实", "Bank verification"), ("开户", "Account opened")
        ),
        materials=[BUSINESS_LICENCE, LEGAL_REP_ID],
        form={
            "type": "object",
            "properties": dict(
                [
                    ENTERPRISE_NAME,
                    USCC,
                    choice(
                        "bank",
                        "开户银行",
                        [
                            "中国工商银行",
                            "中国农业银行",
                            "中国银行",
                            "中国建设银行",
                            "交通银行",
                            "齐鲁银行",
                            "济南农商银行",
                        ],
                    ),
                    text("branch", "网点", maxLength=100),
                    date("appointment_date", "预约日期"),
                    PHONE,
                ]
            ),
            "required": ["enterprise_name", "uscc", "bank", "appointment_date", "phone"],
        },
    ),
    # ---- catering (开办餐饮店) -------------------------------------------------------------
    service(
        1101,
        "jn-scjg",
        "licensing",
        "both",
        ("食品经营许可（餐饮服务）（新办）", "Food business licence for catering (new)"),
        limits=(10, 3),
        topics=["catering", "business-opening"],
        keywords="餐饮 饭店 小吃 食堂 饭馆 餐馆 餐厅 开饭店 奶茶 外卖 食品经营许可证 食品许可",
        summary=(
            "从事餐饮服务（含单位食堂）的经营者，在经营场所取得食品经营许可证后方可营业。",
            "Restaurants, snack bars and canteens must hold a food business licence for their premises before they open.",
        ),
        conditions=(
            "具有与经营的食品品种、数量相适应的经营场所和设备设施，有食品安全管理人员和保证食品安全的规章制度，与有毒、有害场所保持规定的距离。",
            "Premises and equipment suited to the food handled, a food safety manager and food safety rules, and the required distance from sources of pollution.",
        ),
        basis=(
            "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号）第十条、第二十四条",
            "Food Safety Law, art. 35; Measures on Food Business Licensing and Filing (SAMR Order No. 78), arts. 10 and 24",
        ),
        visits=1,  # the site inspection (现场核查) is a visit
        steps=STEPS_INSPECTION,
        materials=[
            application_form("食品经营许可", "a food business licence"),
            BUSINESS_LICENCE,
            LEGAL_REP_ID,
            material(
                "与食品经营相适应的主要设备设施、经营布局、操作流程等文件",
                "Layout plan, main equipment and food-handling process",
            ),
            material(
                "食品安全自查、从业人员健康管理、进货查验记录等食品安全管理制度",
                "Food safety rules (self-inspection, staff health, purchase checks)",
                formats=PDF_ONLY,
            ),
            material(
                "自备水源水质检验报告",
                "Water quality report for a private water source",
                when=("使用自备水源的", "When the premises use their own water source"),
            ),
            AGENT,
        ],
        form={
            "type": "object",
            "properties": dict(
                [
                    text("operator_name", "经营者名称", maxLength=200),
                    USCC,
                    text("premises", "经营场所", "与营业执照住所一致或另行说明", maxLength=200),
                    DISTRICT,
                    choice(
                        "business_form",
                        "主体业态",
                        ["餐饮服务经营者", "单位食堂", "中央厨房", "集体用餐配送单位"],
                    ),
                    choice(
                        "business_items",
                        "经营项目",
                        [
                            "热食类食品制售",
                            "冷食类食品制售",
                            "生食类食品制售",
                            "半成品制售",
                            "自制饮品制售",
                            "热食类、冷食类及自制饮品制售",
                        ],
                    ),
                    number("area_m2", "经营面积（平方米）"),
                    text("food_safety_manager", "食品安全管理人员", maxLength=50),
                ]
            ),
            "required": [
                "operator_name",
                "uscc",
                "premises",
                "district",
                "business_form",
                "business_items",
                "area_m2",
                "food_safety_manager",
            ],
        },
    ),
    service(
        1102,
        "jn-xfzd",
        "licensing",
        "legal_person",
        (
            "公众聚集场所投入使用、营业前消防安全检查",
            "Fire safety inspection of a public assembly venue before opening",
        ),
        limits=(10, 5),
        visits=1,
        topics=["catering", "business-opening"],
        keywords="消防检查 消防 开业检查 消防安全检查 餐厅消防 商场消防 消防许可",
        summary=(
            "宾馆、饭店、商场、娱乐场所等公众聚集场所投入使用、营业前，建设单位或使用单位向场所所在地消防救援机构申请消防安全检查；可选择告知承诺方式当场取得许可。",
            "Hotels, restaurants, shopping malls and entertainment venues apply for a fire safety inspection before opening; under the notification-and-commitment option the permit is granted on the spot.",
        ),
        conditions=(
            "场所依法通过消防验收或已备案，消防设施完好有效，疏散通道畅通，制定了消防安全制度和应急预案。",
            "The venue passed fire acceptance or was filed, fire equipment works, escape routes are clear, and fire safety rules and an emergency plan exist.",
        ),
        basis=(
            "《中华人民共和国消防法》第十五条；《公众聚集场所投入使用营业前消防安全检查规则》",
            "Fire Protection Law, art. 15; Rules for Fire Safety Inspection of Public Assembly Venues",
        ),
        steps=STEPS_INSPECTION,
        materials=[
            application_form("公众聚集场所投入使用、营业消防安全检查", "a fire safety inspection"),
            BUSINESS_LICENCE,
            material("场所平面布置图、消防设施平面图", "Floor plan and fire equipment plan"),
            material(
                "消防安全制度、灭火和应急疏散预案",
                "Fire safety rules and evacuation plan",
                formats=PDF_ONLY,
            ),
            material(
                "公众聚集场所投入使用、营业消防安全告知承诺书",
                "Signed notification-and-commitment letter",
                when=("选择告知承诺方式的", "When the commitment option is chosen"),
            ),
        ],
        form={
            "type": "object",
            "properties": dict(
                [
                    text("venue_name", "场所名称", maxLength=200),
                    USCC,
                    ADDRESS,
                    DISTRICT,
                    choice(
                        "venue_type",
                        "场所类型",
                        ["饭店", "宾馆", "商场", "歌舞娱乐场所", "影剧院", "体育场馆"],
                    ),
                    number("floor_area_m2", "使用面积（平方米）"),
                    choice("procedure", "办理方式", ["告知承诺", "检查后许可"]),
                    PHONE,
                ]
            ),
            "required": [
                "venue_name",
                "uscc",
                "address",
                "district",
                "venue_type",
                "floor_area_m2",
                "procedure",
                "phone",
            ],
        },
    ),
    service(
        1103,
        "jn-cgj",
        "licensing",
        "both",
        (
            "设置大型户外广告及在城市建筑物、设施上悬挂、张贴宣传品审批",
            "Approval of large outdoor advertisements and signboards on buildings",
        ),
        limits=(20, 5),
        topics=["catering", "business-opening"],
        keywords="门头 招牌 牌匾 店招 门头招牌 户外广告 广告牌 灯箱",
        summary=(
            "在城市建筑物、设施上设置大型户外广告、门头招牌或悬挂宣传品，应按规划和设置规范报城市管理部门审批。",
            "Large outdoor advertisements, shop signs and banners on city buildings and structures need the approval of the urban management authority.",
        ),
        conditions=(
            "符合济南市户外广告和招牌设施设置专项规划及技术规范，结构安全。",
            "The sign complies with Jinan's outdoor advertising and signboard plan and technical rules and is structurally safe.",
        ),
        basis=(
            "《城市市容和环境卫生管理条例》第十一条；《济南市城市市容和环境卫生管理条例》",
            "Regulation on City Appearance and Environmental Sanitation, art. 11; Jinan Regulation on City Appearance and Sanitation",
        ),
        visits=1,  # the site inspection (现场核查) is a visit
        steps=STEPS_INSPECTION,
        materials=[
            application_form("户外广告（招牌）设置", "an outdoor advertisement or signboard"),
            BUSINESS_LICENCE,
            material("设置效果图及尺寸、材质说明", "Rendering with dimensions and materials"),
            material("建筑物产权人同意设置的证明", "Consent of the building's owner"),
            material(
                "结构安全鉴定报告",
                "Structural safety report",
                when=(
                    "单面面积超过10平方米或设置高度超过8米的",
                    "When the face exceeds 10 m² or the sign is higher than 8 m",
                ),
            ),
        ],
        form={
            "type": "object",
            "properties": dict(
                [
                    ENTERPRISE_NAME,
                    ADDRESS,
                    DISTRICT,
                    choice(
                        "sign_type",
                        "设施类型",
                        ["门头招牌", "墙面广告", "楼顶广告", "落地广告", "宣传品"],
                    ),
                    number("width_m", "宽度（米）"),
                    number("height_m", "高度（米）"),
                    text("content", "广告或招牌内容", maxLength=100),
                    PHONE,
                ]
            ),
            "required": [
                "enterprise_name",
                "address",
                "district",
                "sign_type",
                "width_m",
                "height_m",
                "content",
                "phone",
            ],
        },
    ),
    service(
        1104,
        "jn-xzsp",
        "licensing",
        "legal_person",
        ("城镇污水排入排水管网许可", "Permit to discharge wastewater into the urban sewer network"),
        limits=(15, 5),
        topics=["catering", "construction"],
        keywords="排水许可 排水证 排水户 污水排放 下水道 隔油池",
        summary=(
            "从事餐饮、洗浴、工业、建筑施工等活动的排水户向城镇排水设施排放污水，应申请领取排水许可证。",
            "Restaurants, bathhouses, factories and construction sites that discharge wastewater into the public sewers need a drainage permit.",
        ),
        conditions=(
            "排放口设置符合规范，按规定建设预处理设施（如餐饮隔油池），排放水质符合国家和地方标准。",
            "Outlets meet the standard, pre-treatment (such as a grease trap for restaurants) is built, and the effluent meets national and local standards.",
        ),
        basis=(
            "《城镇排水与污水处理条例》第二十一条；《城镇污水排入排水管网许可管理办法》（住房和城乡建设部令第21号）第九条",
            "Regulation on Urban Drainage and Sewage Treatment, art. 21; Measures on Permits for Discharging Wastewater into Urban Sewers (MOHURD Order No. 21), art. 9",
        ),
        visits=1,  # the site inspection (现场核查) is a visit
        steps=STEPS_INSPECTION,
        materials=[
            application_form("城镇污水排入排水管网许可", "a drainage permit"),
            BUSINESS_LICENCE,
            material(
                "排水户内部排水管网、专用检测井、污水排放口位置和口径的图纸及说明",
                "Plan of internal drains, sampling well and outlets",
            ),
            material(
                "预处理设施（隔油池等）的说明", "Description of pre-treatment (e.g. grease trap)"
            ),
            material(
                "排水水质检测报告",
                "Effluent quality test report",
                when=("列入重点排污单位名录的", "For key discharging units"),
            ),
        ],
        form={
            "type": "object",
            "properties": dict(
                [
                    ENTERPRISE_NAME,
                    USCC,
                    ADDRESS,
                    DISTRICT,
                    choice(
                        "discharge_type",
                        "排水类别",
                        ["餐饮", "洗浴", "洗车", "工业", "建筑施工", "医疗"],
                    ),
                    number("daily_volume_m3", "日排水量（立方米）"),
                    PHONE,
                ]
            ),
            "required": [
                "enterprise_name",
                "uscc",
                "address",
                "district",
                "discharge_type",
                "daily_volume_m3",
                "phone",
            ],
        },
    ),
    service(
        1105,
        "jn-scjg",
        "licensing",
        "legal_person",
        ("药品零售企业经营许可", "Drug retail licence"),
        limits=(20, 10),
        topics=["business-opening"],
        keywords="药店 药房 开药店 药品经营许可证 连锁药店",
        summary=(
            "开办药品零售企业（药店）应取得药品经营许可证，经现场检查合格后发证。",
            "A pharmacy needs a drug trading licence, granted after an on-site inspection.",
        ),
        conditions=(
            "有依法经过资格认定的执业药师；有与所经营药品相适应的营业场所、设备、仓储设施和卫生环境；有保证药品质量的规章制度。",
            "A licensed pharmacist, premises, equipment and storage suited to the drugs sold, and quality assurance rules.",
        ),
        basis=(
            "《中华人民共和国药品管理法》第五十一条、第五十二条；《药品经营和使用质量监督管理办法》第十三条",
            "Drug Administration Law, arts. 51 and 52; Measures on Quality Supervision of Drug Trading and Use, art. 13",
        ),
        visits=1,  # the site inspection (现场核查) is a visit
        steps=STEPS_INSPECTION,
        materials=[
            application_form("药品经营许可证", "a drug trading licence"),
            BUSINESS_LICENCE,
            LEGAL_REP_ID,
            material("执业药师注册证及身份证明", "Pharmacist's registration certificate and ID"),
            material(
                "经营场所、仓库平面布置图及产权或租赁证明",
                "Floor plans of the shop and store, with title or lease",
            ),
            material(
                "质量管理制度文件目录", "List of quality management documents", formats=PDF_ONLY
            ),
        ],
        form={
            "type": "object",
            "properties": dict(
                [
                    ENTERPRISE_NAME,
                    USCC,
                    ADDRESS,
                    DISTRICT,
                    choice(
                        "scope",
                        "经营范围",
                        ["处方药、非处方药", "乙类非处方药", "中药饮片、中成药、化学药、生物制品"],
                    ),
                    text("pharmacist", "执业药师姓名", maxLength=50),
                    number("area_m2", "营业面积（平方米）"),
                ]
            ),
            "required": [
                "enterprise_name",
                "uscc",
                "address",
                "district",
                "scope",
                "pharmacist",
                "area_m2",
            ],
        },
    ),
    # ---- change and closing -------------------------------------------------------------
    service(
        1201,
        "jn-scjg",
        "registration",
        "legal_person",
        ("企业变更登记", "Change of enterprise registration"),
        limits=(3, 1),
        topics=["business-change"],
        keywords="变更 营业执照变更 执照变更 换执照 改名 地址变更 法人变更 经营范围变更 增资",
        summary=(
            "企业名称、住所、法定代表人、注册资本、经营范围等登记事项变化的，应在三十日内申请变更登记，换发营业执照。",
            "An enterprise whose name, domicile, legal representative, capital or scope changes applies within 30 days for a change of registration and a new licence.",
        ),
        conditions=(
            "变更事项已依法作出决议或决定。",
            "The change has been lawfully resolved by the enterprise.",
        ),
        basis=(
            "《中华人民共和国市场主体登记管理条例》第二十四条",
            "Regulation on the Registration of Market Entities, art. 24",
        ),
        steps=STEPS_LICENSING,
        materials=[
            application_form("公司变更登记（备案）", "a change of registration"),
            BUSINESS_LICENCE,
            material("股东会决议或决定", "Shareholders' resolution or decision", formats=PDF_ONLY),
            material(
                "修改后的公司章程或章程修正案",
                "Amended articles of association",
                when=("变更事项涉及章程修改的", "When the articles change"),
            ),
            AGENT,
        ],
        form={
            "type": "object",
            "properties": dict(
                [
                    ENTERPRISE_NAME,
                    USCC,
                    choice(
                        "change_item",
                        "变更事项",
                        ["名称", "住所", "法定代表人", "注册资本", "经营范围", "股东"],
                    ),
                    text("before", "变更前内容"),
                    text("after", "变更后内容"),
                    date("resolution_date", "决议日期"),
                    PHONE,
                ]
            ),
            "required": [
                "enterprise_name",
                "uscc",
                "change_item",
                "before",
                "after",
                "resolution_date",
                "phone",
            ],
        },
    ),
    service(
        1301,
        "jn-scjg",
        "registration",
        "legal_person",
        ("企业注销登记", "Deregistration of an enterprise"),
        limits=(3, 1),
        topics=["business-closing"],
        keywords="注销 公司注销 企业注销 简易注销 关闭公司 执照注销",
        summary=(
            "企业解散并完成清算（或符合简易注销条件并公示期满无异议）后，申请注销登记，营业执照收回。",
            "After dissolution and liquidation (or the simplified procedure with a public notice period without objections), the enterprise applies for deregistration.",
        ),
        conditions=(
            "已完成清算，或未发生债权债务、已将债权债务清偿完结并经公示无异议（简易注销）。",
            "Liquidation is complete, or the enterprise has no unpaid debts and the simplified-deregistration notice drew no objection.",
        ),
        basis=(
            "《中华人民共和国市场主体登记管理条例》第三十一条至第三十三条；《中华人民共和国公司法》第二百三十九条",
            "Regulation on the Registration of Market Entities, arts. 31–33; Company Law, art. 239",
        ),
        steps=STEPS_LICENSING,
        materials=[
            application_form("公司注销登记", "deregistration"),
            BUSINESS_LICENCE,
            material(
                "清算报告",
                "Liquidation report",
                when=("一般注销程序的", "Under the ordinary procedure"),
            ),
            material(
                "全体投资人承诺书",
                "Commitment letter of all investors",
                when=("简易注销的", "Under the simplified procedure"),
            ),
        ],
        form={
            "type": "object",
            "properties": dict(
                [
                    ENTERPRISE_NAME,
                    USCC,
                    choice("procedure", "注销方式", ["简易注销", "一般注销"]),
                    text("reason", "注销原因"),
                    date("dissolution_date", "解散日期"),
                    PHONE,
                ]
            ),
            "required": ["enterprise_name", "uscc", "procedure", "reason", "phone"],
        },
    ),
    service(
        1302,
        "jn-scjg",
        "registration",
        "person",
        ("个体工商户注销登记", "Deregistration of an individual business"),
        limits=(3, 0),
        topics=["business-closing"],
        keywords="个体户注销 注销执照 营业执照注销 执照 关店",
        summary=(
            "个体工商户不再从事经营活动的，申请注销登记；无债权债务的当场办结。",
            "An individual business that stops trading deregisters; without debts it is done on the spot.",
        ),
        conditions=("已结清税款和债权债务。", "Taxes and debts are settled."),
        basis=(
            "《促进个体工商户发展条例》第十三条；《中华人民共和国市场主体登记管理条例》第三十一条",
            "Regulation on Promoting the Development of Individual Businesses, art. 13; Regulation on the Registration of Market Entities, art. 31",
        ),
        steps=STEPS_ON_THE_SPOT,
        materials=[
            application_form("个体工商户注销登记", "deregistration of an individual business"),
            ID_CARD,
            BUSINESS_LICENCE,
        ],
        form={
            "type": "object",
            "properties": dict(
                [
                    text("business_name", "个体工商户名称"),
                    USCC,
                    text("operator_name", "经营者姓名"),
                    text("reason", "注销原因"),
                    PHONE,
                ]
            ),
            "required": ["uscc", "operator_name", "reason", "phone"],
        },
    ),
    # ---- hiring ---------------------------------------------------------------------------
    service(
        1401,
        "jn-rsj",
        "public_service",
        "legal_person",
        ("单位招用人员就业登记", "Employment registration of new hires"),
        limits=(5, 0),
        topics=["hiring"],
        keywords="招工 就业登记 用工备案 劳动合同备案 新员工 招聘",
        summary=(
            "用人单位招用人员后三十日内，为其办理就业登记。",
            "An employer registers each new hire within 30 days.",
        ),
        conditions=("与劳动者已建立劳动关系。", "An employment relationship exists."),
        basis=(
            "《就业服务与就业管理规定》第六十二条",
            "Provisions on Employment Services and Management, art. 62",
        ),
        steps=STEPS_ON_THE_SPOT,
        materials=[BUSINESS_LICENCE, material("劳动合同", "Employment contract", formats=PDF_ONLY)],
        form={
            "type": "object",
            "properties": dict(
                [
                    ENTERPRISE_NAME,
                    USCC,
                    text("employee_name", "员工姓名"),
                    text("employee_id", "员工公民身份号码", format="cn-resident-id"),
                    date("contract_start", "劳动合同起始日期"),
                    choice(
                        "contract_type",
                        "合同类型",
                        ["固定期限", "无固定期限", "以完成一定工作任务为期限"],
                    ),
                ]
            ),
            "required": [
                "enterprise_name",
                "uscc",
                "employee_name",
                "employee_id",
                "contract_start",
                "contract_type",
            ],
        },
    ),
    # ---- construction ------------------------------------------------------------------
    service(
        1501,
        "jn-xzsp",
        "licensing",
        "legal_person",
        ("建筑工程施工许可证核发", "Issue of a construction works permit"),
        limits=(7, 3),
        topics=["construction"],
        keywords="施工许可 施工许可证 开工 建设工程 工程开工",
        summary=(
            "工程投资额在100万元以上或建筑面积在500平方米以上的房屋建筑和市政基础设施工程开工前，建设单位申请领取施工许可证。",
            "Before construction starts on buildings or municipal works over RMB 1 million or 500 m², the developer obtains a construction permit.",
        ),
        conditions=(
            "已办理用地批准手续，已取得建设工程规划许可证，已确定施工企业，有满足施工需要的资金安排、施工图纸及技术资料。",
            "Land approval and a planning permit are in place, the contractor is chosen, and funding and construction drawings are ready.",
        ),
        basis=(
            "《中华人民共和国建筑法》第七条、第八条；《建筑工程施工许可管理办法》（住房和城乡建设部令第18号）第五条",
            "Construction Law, arts. 7 and 8; Measures on Construction Permits (MOHURD Order No. 18), art. 5",
        ),
        steps=STEPS_LICENSING,
        materials=[
            application_form("建筑工程施工许可", "a construction permit"),
            material(
                "建设工程规划许可证", "Construction project planning permit", cert="planning-permit"
            ),
            material(
                "中标通知书或直接发包批准文件", "Notice of award or approval of direct contracting"
            ),
            material("施工图设计文件审查合格书", "Certificate of construction drawing review"),
            material(
                "建设资金已落实承诺书", "Commitment that funding is in place", formats=PDF_ONLY
            ),
        ],
        form={
            "type": "object",
            "properties": dict(
                [
                    text("project_name", "工程名称"),
                    text("project_code", "项目代码", "投资项目在线审批监管平台赋码"),
                    ENTERPRISE_NAME,
                    ADDRESS,
                    DISTRICT,
                    number("floor_area_m2", "建筑面积（平方米）"),
                    number("contract_price", "合同价格（万元）"),
                    text("contractor", "施工单位"),
                ]
            ),
            "required": [
                "project_name",
                "project_code",
                "enterprise_name",
                "address",
                "district",
                "floor_area_m2",
                "contract_price",
                "contractor",
            ],
        },
    ),
    service(
        1502,
        "jn-zrzy",
        "licensing",
        "legal_person",
        ("建设工程规划许可证核发", "Issue of a construction project planning permit"),
        limits=(20, 10),
        topics=["construction"],
        # The joint-review workflow (parallel_review) has no department that acts for its
        # branches yet, so a case of it could never be decided: the licensing path instead.
        workflow="licensing",
        keywords="规划许可 工程规划许可证 规划证 建设工程规划 设计方案审查",
        summary=(
            "在城市规划区内进行建筑物、构筑物、道路、管线和其他工程建设的，建设单位申请建设工程规划许可证；涉及多个部门意见的并联审查。",
            "Buildings, roads and pipelines in the planning area need a planning permit; the opinions of several departments are sought in parallel.",
        ),
        conditions=(
            "取得国有土地使用权，建设工程设计方案符合控制性详细规划和规划条件。",
            "State land-use rights are held and the design complies with the detailed plan and planning conditions.",
        ),
        basis=(
            "《中华人民共和国城乡规划法》第四十条；《山东省城乡规划条例》第四十一条",
            "Urban and Rural Planning Law, art. 40; Shandong Urban and Rural Planning Regulation, art. 41",
        ),
        steps=steps(
            ("申请", "Application"),
            ("受理", "Acceptance"),
            ("并联征求意见", "Parallel review by departments"),
            ("批前公示", "Public notice"),
            ("决定", "Decision"),
            ("制证送达", "Certificate issued"),
        ),
        materials=[
            application_form("建设工程规划许可", "a planning permit"),
            material(
                "不动产权证书（土地）", "Land title certificate", cert="real-estate-certificate"
            ),
            material(
                "建设工程设计方案总平面图及建筑单体方案",
                "Site plan and building design",
                formats=PDF_ONLY,
            ),
            material(
                "日照分析报告",
                "Sunlight analysis",
                when=(
                    "住宅或对周边住宅有日照影响的",
                    "For housing or when neighbouring homes are affected",
                ),
            ),
        ],
        form={
            "type": "object",
            "properties": dict(
                [
                    text("project_name", "项目名称"),
                    ENTERPRISE_NAME,
                    ADDRESS,
                    DISTRICT,
                    number("site_area_m2", "用地面积（平方米）"),
                    number("floor_area_m2", "总建筑面积（平方米）"),
                    choice("use", "建筑性质", ["住宅", "商业", "办公", "工业", "公共服务设施"]),
                ]
            ),
            "required": [
                "project_name",
                "enterprise_name",
                "address",
                "district",
                "site_area_m2",
                "floor_area_m2",
                "use",
            ],
        },
    ),
    service(
        1503,
        "jn-zjj",
        "licensing",
        "legal_person",
        ("特殊建设工程消防验收", "Fire acceptance of special construction projects"),
        limits=(15, 10),
        visits=1,
        topics=["construction"],
        keywords="消防验收 竣工验收 工程消防",
        summary=(
            "特殊建设工程竣工后，建设单位申请消防验收，住建部门现场评定后出具意见。",
            "After completion of a special construction project the developer applies for fire acceptance; the housing department inspects and decides.",
        ),
        conditions=(
            "工程竣工验收报告、消防设施检测合格。",
            "The completion report is done and fire equipment tests passed.",
        ),
        basis=(
            "《中华人民共和国消防法》第十三条；《建设工程消防设计审查验收管理暂行规定》第二十七条",
            "Fire Protection Law, art. 13; Interim Provisions on Fire Design Review and Acceptance, art. 27",
        ),
        steps=STEPS_INSPECTION,
        materials=[
            application_form("特殊建设工程消防验收", "fire acceptance"),
            material("工程竣工验收报告", "Completion acceptance report", formats=PDF_ONLY),
            material("消防设施检测报告", "Fire equipment test report", formats=PDF_ONLY),
        ],
        form={
            "type": "object",
            "properties": dict(
                [
                    text("project_name", "工程名称"),
                    ENTERPRISE_NAME,
                    ADDRESS,
                    number("floor_area_m2", "建筑面积（平方米）"),
                    date("completion_date", "竣工日期"),
                ]
            ),
            "required": [
                "project_name",
                "enterprise_name",
                "address",
                "floor_area_m2",
                "completion_date",
            ],
        },
    ),
    service(
        1504,
        "jn-cgj",
        "licensing",
        "both",
        ("城市道路占用、挖掘审批", "Approval to occupy or excavate a city road"),
        limits=(20, 5),
        topics=["construction"],
        keywords="占道 挖路 挖掘道路 占用道路 道路开挖 管线施工",
        summary=(
            "因工程建设需要临时占用或挖掘城市道路的，经城市管理部门批准并按规定缴纳修复费后方可施工。",
            "Temporary occupation or excavation of a city road for works needs the approval of the urban management authority.",
        ),
        conditions=(
            "确需占用、挖掘，有施工方案和交通疏导方案，已征得公安交通管理部门同意。",
            "The work cannot avoid the road, a works and traffic plan exists, and the traffic police agree.",
        ),
        basis=(
            "《城市道路管理条例》第三十条、第三十一条、第三十三条",
            "Regulation on the Administration of City Roads, arts. 30, 31 and 33",
        ),
        visits=1,  # the site inspection (现场核查) is a visit
        steps=STEPS_INSPECTION,
        materials=[
            application_form("城市道路占用、挖掘", "occupation or excavation of a road"),
            material("施工方案及占用、挖掘位置图", "Works plan and location map"),
            material(
                "交通疏导方案及公安交管部门意见", "Traffic plan and the traffic police's opinion"
            ),
        ],
        form={
            "type": "object",
            "properties": dict(
                [
                    ENTERPRISE_NAME,
                    text("road", "道路名称及路段"),
                    DISTRICT,
                    choice("kind", "类型", ["占用", "挖掘", "占用并挖掘"]),
                    number("area_m2", "面积（平方米）"),
                    date("start_date", "开始日期"),
                    date("end_date", "结束日期"),
                ]
            ),
            "required": [
                "enterprise_name",
                "road",
                "district",
                "kind",
                "area_m2",
                "start_date",
                "end_date",
            ],
        },
    ),
    # ---- environment and transport ------------------------------------------------------
    service(
        1601,
        "jn-sthj",
        "licensing",
        "legal_person",
        ("排污许可证核发", "Issue of a pollutant discharge permit"),
        limits=(30, 15),
        topics=["environment"],
        keywords="排污许可 排污证 环保 排放许可 排污登记",
        summary=(
            "实行排污许可重点管理和简化管理的排污单位，应依法申请取得排污许可证。",
            "Units under key or simplified discharge-permit management must hold a pollutant discharge permit.",
        ),
        conditions=(
            "依法取得建设项目环评文件审批意见或按规定备案；污染防治设施和排放浓度、排放量符合要求；自行监测方案符合规定。",
            "The environmental impact assessment is approved or filed; pollution control and emissions meet the standards; a self-monitoring plan exists.",
        ),
        basis=(
            "《排污许可管理条例》第六条、第十一条、第十三条",
            "Regulation on Pollutant Discharge Permits, arts. 6, 11 and 13",
        ),
        steps=STEPS_LICENSING,
        materials=[
            application_form("排污许可证", "a discharge permit"),
            BUSINESS_LICENCE,
            material("自行监测方案", "Self-monitoring plan", formats=PDF_ONLY),
            material(
                "环境影响评价文件审批意见",
                "Approval of the environmental impact assessment",
                when=("依法需要环评审批的", "When an EIA approval was required"),
            ),
        ],
        form={
            "type": "object",
            "properties": dict(
                [
                    ENTERPRISE_NAME,
                    USCC,
                    ADDRESS,
                    DISTRICT,
                    choice("management", "管理类别", ["重点管理", "简化管理"]),
                    text("industry", "行业类别"),
                    text("pollutants", "主要污染物"),
                ]
            ),
            "required": [
                "enterprise_name",
                "uscc",
                "address",
                "district",
                "management",
                "industry",
                "pollutants",
            ],
        },
    ),
    service(
        1701,
        "jn-jtj",
        "licensing",
        "both",
        ("道路货物运输经营许可", "Road freight transport operating permit"),
        limits=(20, 5),
        topics=["transport"],
        keywords="货运 道路运输经营许可证 物流 运输许可 货车",
        summary=(
            "从事道路货物运输经营（使用总质量4500千克以上普通货运车辆）的，应取得道路运输经营许可证。",
            "Freight operators with ordinary trucks over 4.5 tonnes need a road transport operating permit.",
        ),
        conditions=(
            "有与经营业务相适应并经检测合格的车辆；有符合规定条件的驾驶人员；有健全的安全生产管理制度。",
            "Roadworthy vehicles suited to the business, qualified drivers and sound safety rules.",
        ),
        basis=(
            "《中华人民共和国道路运输条例》第二十一条、第二十四条",
            "Road Transport Regulation, arts. 21 and 24",
        ),
        steps=STEPS_LICENSING,
        materials=[
            application_form("道路货物运输经营", "a road freight permit"),
            BUSINESS_LICENCE,
            material("拟投入车辆承诺书", "Commitment on the vehicles to be used", formats=PDF_ONLY),
            material("驾驶人员从业资格证", "Drivers' qualification certificates"),
            material("安全生产管理制度文本", "Safety management rules", formats=PDF_ONLY),
        ],
        form={
            "type": "object",
            "properties": dict(
                [
                    ENTERPRISE_NAME,
                    USCC,
                    ADDRESS,
                    integer("vehicles", "拟投入车辆数", minimum=1),
                    integer("drivers", "驾驶人员数", minimum=1),
                    PHONE,
                ]
            ),
            "required": ["enterprise_name", "uscc", "address", "vehicles", "drivers", "phone"],
        },
    ),
    service(
        1801,
        "jn-jyj",
        "licensing",
        "both",
        ("民办学校设立审批", "Approval of a private school"),
        limits=(60, 30),
        topics=["business-opening", "schooling"],
        # The joint-review workflow (parallel_review) has no department that acts for its
        # branches yet, so a case of it could never be decided: the licensing path instead.
        workflow="licensing",
        keywords="办学 民办学校 培训学校 办学许可证 幼儿园设立 民办教育",
        summary=(
            "举办实施学历教育、学前教育、自学考试助学及其他文化教育的民办学校，经教育行政部门审批取得办学许可证；组织专家评议。",
            "Private schools for formal, preschool or other cultural education need an education licence; an expert panel reviews the application.",
        ),
        conditions=(
            "举办者具备相应条件；有合格的校长和教师；有与办学规模相适应的校舍、设施和资金。",
            "The founder qualifies; the school has a qualified head and teachers, and premises, facilities and funds suited to its size.",
        ),
        basis=(
            "《中华人民共和国民办教育促进法》第十二条、第十七条；《中华人民共和国民办教育促进法实施条例》",
            "Law on Promoting Private Education, arts. 12 and 17, and its implementing regulation",
        ),
        visits=1,  # the site inspection (现场核查) is a visit
        steps=steps(
            ("申请", "Application"),
            ("受理", "Acceptance"),
            ("专家评议", "Expert review"),
            ("现场核查", "On-site inspection"),
            ("决定", "Decision"),
            ("发证", "Licence issued"),
        ),
        materials=[
            application_form("民办学校设立", "a private school"),
            material("举办者资格证明", "Proof of the founder's qualification"),
            material(
                "学校章程和首届理事会、董事会组成人员名单",
                "School charter and first board members",
                formats=PDF_ONLY,
            ),
            material(
                "校长、教师、财会人员的资格证明",
                "Qualifications of the head, teachers and accountant",
            ),
            material(
                "办学场所产权或租赁证明及消防验收文件",
                "Premises title or lease and fire acceptance",
            ),
        ],
        form={
            "type": "object",
            "properties": dict(
                [
                    text("school_name", "学校名称"),
                    text("founder", "举办者"),
                    ADDRESS,
                    DISTRICT,
                    choice(
                        "level", "办学层次", ["学前教育", "义务教育", "普通高中", "文化教育培训"]
                    ),
                    integer("planned_enrolment", "计划招生规模", minimum=1),
                    PHONE,
                ]
            ),
            "required": [
                "school_name",
                "founder",
                "address",
                "district",
                "level",
                "planned_enrolment",
                "phone",
            ],
        },
    ),
    service(
        1802,
        "jn-mzj",
        "other",
        "legal_person",
        ("养老机构备案", "Filing of an elderly care institution"),
        limits=(1, 0),
        topics=["business-opening"],
        keywords="养老院 养老机构 敬老院 老年公寓 养老备案",
        summary=(
            "设立养老机构的，在收住老年人后十个工作日内向民政部门备案。",
            "An elderly care institution files with the civil affairs bureau within 10 working days of taking in residents.",
        ),
        conditions=(
            "已依法办理法人登记，服务场所符合消防、卫生、建筑安全等要求。",
            "Registered as a legal person; premises meet fire, hygiene and building safety requirements.",
        ),
        basis=(
            "《中华人民共和国老年人权益保障法》第四十三条；《养老机构管理办法》（民政部令第66号）第九条",
            "Law on the Protection of the Rights of the Elderly, art. 43; Measures on Elderly Care Institutions (MCA Order No. 66), art. 9",
        ),
        steps=STEPS_ON_THE_SPOT,
        materials=[
            material("《养老机构备案书》", "Filing form", formats=PDF_ONLY),
            material("养老机构备案承诺书", "Commitment letter", formats=PDF_ONLY),
            material(
                "登记证书或营业执照",
                "Registration certificate or business licence",
                cert="business-licence",
            ),
        ],
        form={
            "type": "object",
            "properties": dict(
                [
                    text("institution_name", "机构名称"),
                    USCC,
                    ADDRESS,
                    DISTRICT,
                    integer("beds", "床位数", minimum=1),
                    date("opening_date", "收住老年人日期"),
                ]
            ),
            "required": ["institution_name", "uscc", "address", "district", "beds", "opening_date"],
        },
    ),
]
