"""Services for citizens: birth, schooling, work, housing, marriage, social security, health,
retirement, driving and residence documents."""

# ruff: noqa: E501 - data: long bilingual strings read better on one line

from __future__ import annotations

from yiwang.demo.data.builders import (
    ADDRESS,
    AGENT,
    APPLICANT_NAME,
    DISTRICT,
    HUKOU,
    ID_CARD,
    PDF_ONLY,
    PHONE,
    RESIDENT_ID,
    STEPS_INSPECTION,
    STEPS_LICENSING,
    STEPS_ON_THE_SPOT,
    STEPS_PAYMENT,
    STEPS_REGISTRATION,
    STEPS_SIMPLE,
    application_form,
    boolean,
    choice,
    date,
    fee,
    form,
    integer,
    material,
    number,
    service,
    text,
)

BABY_NAME = text("baby_name", "新生儿姓名", maxLength=50)
BABY_BIRTH = date("baby_birth_date", "出生日期")
BABY_SEX = choice("baby_sex", "性别", ["男", "女"])
BIRTH_CERT = material("出生医学证明", "Medical birth certificate", cert="birth-certificate")
PARENT_IDS = material(
    "父母双方居民身份证", "Both parents' resident identity cards", cert="resident-id"
)
HOSPITAL = ("新生儿出生的助产机构（医院）", "The hospital where the baby was born")
SOCIAL_SECURITY_CENTER = (
    "济南市历下区龙奥北路1号 济南市政务服务中心人社窗口，或各区县社会保险服务大厅",
    "Social security windows of the Jinan Government Service Center or the district social insurance halls",
)

SERVICES = [
    # ---- birth (新生儿出生一件事) ----------------------------------------------------------
    service(
        2001,
        "jn-wjw",
        "confirmation",
        "person",
        ("出生医学证明签发", "Issue of the medical birth certificate"),
        limits=(5, 1),
        topics=["birth"],
        where=HOSPITAL,
        keywords="出生证 出生证明 出生医学证明 新生儿 生孩子 宝宝",
        summary=(
            "在医疗机构出生的新生儿，由助产机构签发《出生医学证明》，同步生成电子证照。",
            "A baby born in hospital receives the Medical Birth Certificate from the hospital, together with an electronic certificate.",
        ),
        conditions=(
            "在本市依法取得助产技术服务资质的医疗机构内出生的新生儿。",
            "The baby was born in a licensed maternity hospital in Jinan.",
        ),
        basis=(
            "《中华人民共和国母婴保健法》第二十三条；《中华人民共和国母婴保健法实施办法》第三十二条",
            "Maternal and Infant Health Care Law, art. 23, and its implementing measures, art. 32",
        ),
        steps=STEPS_SIMPLE,
        materials=[
            PARENT_IDS,
            material(
                "《出生医学证明》首次签发登记表",
                "Birth certificate registration form",
                formats=PDF_ONLY,
            ),
        ],
        form=form(
            BABY_NAME,
            BABY_SEX,
            BABY_BIRTH,
            text("mother_name", "母亲姓名"),
            text("father_name", "父亲姓名"),
            text("hospital", "出生医院"),
            PHONE,
            optional=("father_name",),
        ),
    ),
    service(
        2002,
        "jn-gaj",
        "registration",
        "person",
        ("出生登记（户口登记）", "Birth registration in the household register"),
        limits=(5, 0),
        topics=["birth", "residence"],
        keywords="上户口 落户 报户口 新生儿落户 出生登记 户口",
        summary=(
            "婴儿出生后一个月以内，由户主、亲属或监护人向户口登记机关申报出生登记，当场办结。",
            "Within one month of birth the family registers the baby in the household register; done on the spot.",
        ),
        conditions=(
            "父母一方为本市常住户口。",
            "At least one parent has permanent residence (hukou) in Jinan.",
        ),
        basis=(
            "《中华人民共和国户口登记条例》第七条",
            "Regulation on Household Registration, art. 7",
        ),
        steps=STEPS_ON_THE_SPOT,
        materials=[
            BIRTH_CERT,
            PARENT_IDS,
            HUKOU,
            material(
                "父母结婚证",
                "Parents' marriage certificate",
                cert="marriage-certificate",
                when=("父母已婚的", "When the parents are married"),
            ),
        ],
        form=form(
            BABY_NAME,
            BABY_SEX,
            BABY_BIRTH,
            choice("ethnicity", "民族", ["汉族", "回族", "满族", "其他"]),
            text("householder", "随迁户主姓名"),
            text("hukou_address", "落户地址"),
            PHONE,
        ),
    ),
    service(
        2003,
        "jn-ybj",
        "registration",
        "person",
        (
            "城乡居民基本医疗保险参保登记（新生儿）",
            "Resident medical insurance enrolment of a newborn",
        ),
        limits=(5, 0),
        topics=["birth", "medical"],
        keywords="新生儿医保 居民医保 宝宝医保 参保 医保登记",
        summary=(
            "新生儿出生后可随时参加城乡居民基本医疗保险，出生当年（含出生后90天内）参保缴费的，自出生之日起享受待遇。",
            "A newborn can join resident medical insurance at any time; when enrolled in the year of birth (within 90 days), cover starts from birth.",
        ),
        conditions=(
            "已办理出生登记或持有出生医学证明的新生儿。",
            "A newborn with a birth certificate or birth registration.",
        ),
        basis=(
            "《中华人民共和国社会保险法》第二十五条；《山东省医疗保障局关于做好新生儿参保工作的通知》",
            "Social Insurance Law, art. 25; Shandong Healthcare Security notice on newborn enrolment",
        ),
        steps=STEPS_ON_THE_SPOT,
        materials=[BIRTH_CERT, HUKOU],
        form=form(
            BABY_NAME,
            text("baby_id", "新生儿公民身份号码", format="cn-resident-id"),
            BABY_BIRTH,
            text("guardian_name", "监护人姓名"),
            PHONE,
        ),
    ),
    service(
        2004,
        "jn-rsj",
        "public_service",
        "person",
        ("社会保障卡申领", "Application for a social security card"),
        limits=(20, 10),
        topics=["birth", "social-security"],
        keywords="社保卡 办社保卡 补办社保卡 电子社保卡 医保卡 第三代社保卡",
        summary=(
            "参保人员申领第三代社会保障卡，可用于就医结算、待遇领取、交通出行等；新生儿可由监护人代办。",
            "Insured people apply for the third-generation social security card for medical payments, benefits and transport; parents apply for newborns.",
        ),
        conditions=(
            "已参加社会保险或已办理居民医保参保登记的人员。",
            "Anyone enrolled in social or medical insurance.",
        ),
        basis=(
            "《中华人民共和国社会保险法》第五十八条；《社会保障卡管理办法》",
            "Social Insurance Law, art. 58; Measures on Social Security Cards",
        ),
        steps=STEPS_SIMPLE,
        materials=[
            ID_CARD,
            material(
                "本人近期白底证件照", "Recent photo with a white background", formats=["jpg", "png"]
            ),
            material(
                "出生医学证明",
                "Medical birth certificate",
                cert="birth-certificate",
                when=("为未办理身份证的新生儿申领的", "For a newborn without an ID card"),
            ),
        ],
        form=form(
            APPLICANT_NAME,
            RESIDENT_ID,
            choice(
                "bank",
                "合作银行",
                [
                    "中国工商银行",
                    "中国农业银行",
                    "中国银行",
                    "中国建设银行",
                    "齐鲁银行",
                    "济南农商银行",
                ],
            ),
            choice("delivery", "领卡方式", ["邮寄到家", "银行网点领取"]),
            ADDRESS,
            PHONE,
        ),
    ),
    service(
        2005,
        "jn-wjw",
        "public_service",
        "person",
        ("预防接种证办理", "Issue of the child vaccination certificate"),
        limits=(1, 0),
        topics=["birth"],
        where=(
            "居住地的社区卫生服务中心或乡镇卫生院预防接种门诊",
            "The vaccination clinic of the local community health centre",
        ),
        keywords="疫苗本 接种证 打疫苗 预防接种 宝宝疫苗",
        summary=(
            "儿童出生后一个月内，由监护人到居住地接种单位为其办理预防接种证。",
            "Within one month of birth parents obtain the vaccination certificate at the local vaccination clinic.",
        ),
        conditions=("在本市居住的儿童。", "A child living in Jinan."),
        basis=("《中华人民共和国疫苗管理法》第四十七条", "Vaccine Administration Law, art. 47"),
        steps=STEPS_ON_THE_SPOT,
        materials=[
            BIRTH_CERT,
            material("监护人居民身份证", "Guardian's resident identity card", cert="resident-id"),
        ],
        form=form(
            BABY_NAME, BABY_SEX, BABY_BIRTH, text("guardian_name", "监护人姓名"), ADDRESS, PHONE
        ),
    ),
    service(
        2006,
        "jn-wjw",
        "public_service",
        "person",
        ("生育登记服务", "Childbirth registration service"),
        limits=(1, 0),
        topics=["marriage", "birth"],
        keywords="生育登记 准生证 生育服务证 怀孕登记",
        summary=(
            "夫妻生育子女的，可通过“爱山东”App在线办理生育登记，不再审批。",
            "Couples register a birth plan online through the Ai Shandong app; no approval is needed.",
        ),
        conditions=(
            "一方户籍在本市或在本市居住的夫妻。",
            "A couple of whom one has Jinan hukou or lives in Jinan.",
        ),
        basis=(
            "《中华人民共和国人口与计划生育法》第二十条；《山东省人口与计划生育条例》",
            "Population and Family Planning Law, art. 20; Shandong Population and Family Planning Regulation",
        ),
        steps=STEPS_ON_THE_SPOT,
        materials=[PARENT_IDS],
        form=form(
            text("wife_name", "女方姓名"),
            text("husband_name", "男方姓名"),
            integer("child_order", "本次为第几孩", minimum=1, maximum=10),
            date("expected_date", "预产期"),
            PHONE,
        ),
    ),
    # ---- residence and ID documents -----------------------------------------------------
    service(
        2101,
        "jn-gaj",
        "confirmation",
        "person",
        (
            "居民身份证申领、换领、补领",
            "Application for, renewal or replacement of the resident ID card",
        ),
        limits=(40, 15),
        visits=1,
        topics=["residence"],
        keywords="身份证 办身份证 换身份证 补办身份证 身份证过期 身份证丢了 二代证",
        summary=(
            "公民首次申领、有效期满换领或遗失补领居民身份证，现场采集人像和指纹，可选择邮寄送达。",
            "First application, renewal on expiry or replacement of a lost ID card; photo and fingerprints are taken at the window and the card can be posted.",
        ),
        conditions=(
            "在本市登记常住户口的公民；异地换领补领的持原证件或户籍信息。",
            "Citizens with Jinan hukou; others may renew or replace in Jinan under the nationwide scheme.",
        ),
        basis=(
            "《中华人民共和国居民身份证法》第八条、第九条、第十一条",
            "Resident Identity Card Law, arts. 8, 9 and 11",
        ),
        steps=STEPS_LICENSING,
        materials=[
            HUKOU,
            material("原居民身份证", "The old ID card", when=("换领的", "For a renewal")),
            material(
                "监护人身份证件",
                "Guardian's ID",
                when=("未满十六周岁的", "For an applicant under 16"),
            ),
        ],
        fees=[
            fee(
                "居民身份证工本费",
                "ID card fee",
                "20.00",
                "《财政部 国家发展改革委关于第二代居民身份证收费标准等有关问题的通知》（财综〔2004〕8号）",
            )
        ],
        form=form(
            APPLICANT_NAME,
            RESIDENT_ID,
            choice("reason", "申领原因", ["首次申领", "有效期满换领", "证件损坏换领", "遗失补领"]),
            choice("delivery", "领取方式", ["窗口领取", "邮寄送达"]),
            ADDRESS,
            PHONE,
        ),
    ),
    service(
        2102,
        "jn-gaj",
        "confirmation",
        "person",
        ("居住证办理", "Application for a residence permit"),
        limits=(10, 5),
        visits=1,
        topics=["residence", "housing"],
        keywords="居住证 暂住证 外地人 积分落户 随迁子女入学",
        summary=(
            "离开常住户口所在地到济南居住半年以上，有合法稳定就业、住所或连续就读之一的，可申领居住证。",
            "People who have lived in Jinan for six months with stable work, housing or schooling can apply for a residence permit.",
        ),
        conditions=(
            "在本市居住半年以上，符合合法稳定就业、合法稳定住所、连续就读条件之一。",
            "Six months of residence in Jinan plus stable work, housing or schooling.",
        ),
        basis=(
            "《居住证暂行条例》第二条、第十条；《山东省流动人口服务管理办法》",
            "Interim Regulation on Residence Permits, arts. 2 and 10; Shandong Measures on the Floating Population",
        ),
        steps=STEPS_LICENSING,
        materials=[
            ID_CARD,
            material("居住证明（房屋产权证或租赁合同）", "Proof of residence (title or lease)"),
            material(
                "就业或就读证明",
                "Proof of work or study",
                when=("以就业或就读条件申领的", "When applying on grounds of work or study"),
            ),
        ],
        form=form(
            APPLICANT_NAME,
            RESIDENT_ID,
            ADDRESS,
            DISTRICT,
            date("residence_since", "居住起始日期"),
            choice("grounds", "申领条件", ["合法稳定就业", "合法稳定住所", "连续就读"]),
            PHONE,
        ),
    ),
    service(
        2103,
        "jn-crj",
        "licensing",
        "person",
        ("普通护照签发", "Issue of an ordinary passport"),
        limits=(15, 7),
        visits=1,
        topics=["residence"],
        keywords="护照 办护照 换护照 补办护照 护照过期 护照丢了 因私护照 出国 出境 出国旅游 留学",
        summary=(
            "公民因旅游、探亲、学习、就业、商务等非公务原因出国的，向公安机关出入境管理机构申请普通护照；可在线预约填表，到窗口现场采集人像和指纹，证件可邮寄送达。",
            "Citizens travelling abroad for tourism, family, study, work or business apply for an ordinary passport; fill in the form online, have the photo and fingerprints taken at the window, and receive the passport by post if you wish.",
        ),
        conditions=(
            "中国公民因非公务原因出国；未满十六周岁的由监护人陪同申请；国家工作人员按规定提交所在单位的意见。",
            "A Chinese citizen travelling abroad on private business; under-16s apply with a guardian; state functionaries add their employer's consent as regulations require.",
        ),
        basis=(
            "《中华人民共和国护照法》第五条、第六条（公安机关出入境管理机构应当自收到申请材料之日起十五日内签发普通护照）",
            "Passport Law, arts. 5 and 6 (the exit and entry authority issues the ordinary passport within 15 days of receiving the application)",
        ),
        steps=STEPS_LICENSING,
        materials=[
            ID_CARD,
            HUKOU,
            material(
                "近期免冠照片",
                "Recent bareheaded photo",
                formats=["jpg", "png"],
                notes=(
                    "也可在受理窗口现场免费拍摄",
                    "It can also be taken at the window free of charge",
                ),
            ),
            material(
                "监护人居民身份证及监护关系证明",
                "The guardian's ID card and proof of guardianship",
                when=("未满十六周岁的", "For an applicant under 16"),
            ),
            material(
                "所在单位按人事管理权限出具的同意出国（境）意见",
                "The employer's consent to travel abroad, under its personnel authority",
                when=("国家工作人员申请的", "For a state functionary"),
            ),
        ],
        fees=[
            fee(
                "普通护照工本费（含照片费）",
                "Passport fee (photo included)",
                "120.00",
                "《国家发展改革委 财政部关于降低部分行政事业性收费标准的通知》（发改价格〔2019〕914号）",
            )
        ],
        form=form(
            APPLICANT_NAME,
            RESIDENT_ID,
            choice("kind", "申请类别", ["首次申请", "换发", "补发"]),
            choice(
                "purpose", "出境事由", ["旅游", "探亲访友", "留学", "商务", "就业", "定居", "其他"]
            ),
            boolean("state_functionary", "是否为国家工作人员"),
            choice("delivery", "领取方式", ["邮寄送达", "窗口领取"]),
            ADDRESS,
            PHONE,
        ),
    ),
    # ---- marriage ------------------------------------------------------------------------
    service(
        2201,
        "jn-mzj",
        "confirmation",
        "person",
        ("内地居民结婚登记", "Marriage registration"),
        limits=(1, 0),
        visits=1,
        topics=["marriage"],
        where=(
            "各区县婚姻登记处（可在线预约）",
            "The marriage registry of any district or county (book online)",
        ),
        keywords="结婚 领证 结婚证 登记结婚 婚姻登记 预约结婚",
        summary=(
            "男女双方自愿结婚的，共同到婚姻登记机关申请结婚登记，符合条件的当场发给结婚证；全国通办，可在线预约。",
            "Both partners appear together at a marriage registry; if they qualify, the marriage certificate is issued on the spot. Available nationwide, bookable online.",
        ),
        conditions=(
            "男女双方完全自愿，均达到法定婚龄（男22周岁，女20周岁），均无配偶，不属于禁止结婚的情形。",
            "Both consent freely, are of legal age (men 22, women 20), are unmarried, and are not within prohibited degrees of kinship.",
        ),
        basis=(
            "《中华人民共和国民法典》第一千零四十六条至第一千零四十九条；《婚姻登记条例》第四条、第七条",
            "Civil Code, arts. 1046–1049; Regulation on Marriage Registration, arts. 4 and 7",
        ),
        steps=STEPS_ON_THE_SPOT,
        materials=[
            material(
                "双方居民身份证", "Both partners' ID cards", cert="resident-id", original=True
            ),
            material("双方近期半身免冠合影照片", "Recent joint photo", formats=["jpg", "png"]),
            material(
                "《申请结婚登记声明书》", "Declaration for marriage registration", formats=PDF_ONLY
            ),
        ],
        form=form(
            text("man_name", "男方姓名"),
            text("man_id", "男方公民身份号码", format="cn-resident-id"),
            text("woman_name", "女方姓名"),
            text("woman_id", "女方公民身份号码", format="cn-resident-id"),
            choice(
                "registry",
                "预约登记处",
                [
                    "历下区婚姻登记处",
                    "市中区婚姻登记处",
                    "槐荫区婚姻登记处",
                    "天桥区婚姻登记处",
                    "历城区婚姻登记处",
                ],
            ),
            date("appointment_date", "预约日期"),
            PHONE,
        ),
    ),
    # ---- housing ------------------------------------------------------------------------
    service(
        2301,
        "jn-zrzy",
        "registration",
        "both",
        ("不动产转移登记（存量房买卖）", "Real estate transfer registration (resale homes)"),
        limits=(30, 5),
        visits=1,
        topics=["housing"],
        where=(
            "济南市不动产登记中心及各区县不动产登记服务大厅",
            "Jinan Real Estate Registration Center and district halls",
        ),
        keywords="过户 房产证 不动产权证 二手房过户 买房 房屋过户 不动产登记",
        summary=(
            "买卖存量房屋的，买卖双方共同申请转移登记，“交易、登记、缴税”一窗受理，登簿后发放不动产权证书（含电子证照）。",
            "Buyer and seller of a resale home apply together; transaction, registration and tax are handled at one window, and the title certificate (with an e-certificate) follows.",
        ),
        conditions=(
            "房屋已取得不动产权证书，无查封、抵押限制（或抵押权人同意），已依法缴纳相关税费。",
            "The home has a title certificate, no seizure (or the mortgagee consents), and taxes are paid.",
        ),
        basis=(
            "《中华人民共和国民法典》第二百零九条、第二百一十条；《不动产登记暂行条例》第十四条、第二十条",
            "Civil Code, arts. 209 and 210; Interim Regulation on Real Estate Registration, arts. 14 and 20",
        ),
        steps=STEPS_REGISTRATION,
        materials=[
            application_form("不动产登记", "real estate registration"),
            material("买卖双方身份证明", "IDs of buyer and seller", cert="resident-id"),
            material(
                "不动产权证书", "Title certificate", cert="real-estate-certificate", original=True
            ),
            material(
                "存量房买卖合同（网签）", "Signed resale contract (online filing)", formats=PDF_ONLY
            ),
            material("完税凭证", "Tax payment receipt"),
            AGENT,
        ],
        fees=[
            fee(
                "不动产登记费（住宅）",
                "Real estate registration fee (housing)",
                "80.00",
                "《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》（发改价格规〔2016〕2559号）",
            )
        ],
        form=form(
            text("seller", "出卖人"),
            text("buyer", "买受人"),
            text("certificate_no", "不动产权证书号"),
            ADDRESS,
            DISTRICT,
            number("floor_area_m2", "建筑面积（平方米）"),
            number("price", "成交价格（万元）"),
            PHONE,
        ),
    ),
    service(
        2302,
        "jn-gjj",
        "public_service",
        "person",
        (
            "住房公积金提取（购房、租房）",
            "Withdrawal from the housing provident fund (buying or renting)",
        ),
        limits=(3, 0),
        topics=["housing"],
        keywords="公积金提取 提取公积金 取公积金 租房提取 购房提取 公积金",
        summary=(
            "职工购买、建造自住住房或租赁住房的，可提取本人住房公积金账户余额，租房提取按月或按年自动到账。",
            "Employees buying, building or renting a home can withdraw from their provident fund account; rental withdrawals can recur monthly or yearly.",
        ),
        conditions=(
            "正常缴存住房公积金，符合购房或租房提取条件，无未结清的公积金贷款逾期。",
            "Contributing normally, meeting the purchase or rental conditions, and no overdue fund loan.",
        ),
        basis=(
            "《住房公积金管理条例》第二十四条、第二十五条；《济南住房公积金提取管理办法》",
            "Regulation on Housing Provident Funds, arts. 24 and 25; Jinan provident fund withdrawal rules",
        ),
        steps=STEPS_ON_THE_SPOT,
        materials=[
            ID_CARD,
            material(
                "购房合同或不动产权证书",
                "Purchase contract or title certificate",
                cert="real-estate-certificate",
                when=("购房提取的", "For a purchase"),
            ),
            material(
                "房屋租赁合同",
                "Lease",
                when=("租房提取且非租住公租房的", "For renting on the private market"),
            ),
        ],
        form=form(
            APPLICANT_NAME,
            RESIDENT_ID,
            choice("purpose", "提取原因", ["购买自住住房", "租赁住房", "偿还购房贷款本息"]),
            number("amount", "提取金额（元）"),
            text("bank_card", "收款银行卡号", maxLength=30),
            PHONE,
        ),
    ),
    service(
        2303,
        "jn-zjj",
        "confirmation",
        "person",
        ("公共租赁住房保障资格申请", "Application for public rental housing eligibility"),
        limits=(30, 20),
        topics=["housing"],
        keywords="公租房 保障房 廉租房 住房困难 租房补贴",
        summary=(
            "本市城镇中等偏下收入住房困难家庭、新就业无房职工和在济稳定就业的外来务工人员，可申请公共租赁住房实物配租或租赁补贴。",
            "Lower-middle-income families with housing difficulties, newly employed staff without a home and migrant workers in stable jobs can apply for public rental housing or a rent subsidy.",
        ),
        conditions=(
            "家庭人均收入、住房面积符合本市公布的标准。",
            "Household income and living space are within the limits Jinan publishes.",
        ),
        basis=(
            "《公共租赁住房管理办法》（住房和城乡建设部令第11号）第七条；《济南市公共租赁住房管理办法》",
            "Measures on Public Rental Housing (MOHURD Order No. 11), art. 7; Jinan Measures on Public Rental Housing",
        ),
        visits=1,  # the site inspection (现场核查) is a visit
        steps=STEPS_INSPECTION,
        materials=[
            ID_CARD,
            HUKOU,
            material("家庭成员收入证明", "Income statements of household members"),
            material(
                "劳动合同及社保缴纳证明",
                "Employment contract and social insurance record",
                when=(
                    "以新就业职工或外来务工人员身份申请的",
                    "For new employees and migrant workers",
                ),
            ),
        ],
        form=form(
            APPLICANT_NAME,
            RESIDENT_ID,
            integer("household_size", "家庭人口", minimum=1),
            number("monthly_income", "家庭月收入（元）"),
            number("current_area_m2", "现住房面积（平方米）"),
            DISTRICT,
            choice("preference", "保障方式", ["实物配租", "租赁补贴"]),
            PHONE,
        ),
    ),
    # ---- employment and social security --------------------------------------------------
    service(
        2401,
        "jn-rsj",
        "payment",
        "person",
        ("失业保险金申领", "Claim for unemployment insurance benefit"),
        limits=(10, 3),
        topics=["employment", "social-security"],
        where=SOCIAL_SECURITY_CENTER,
        keywords="失业金 失业保险 失业补助 下岗 离职 领失业金",
        summary=(
            "参保失业人员非因本人意愿中断就业、缴费满一年并已办理失业登记的，可申领失业保险金，同时享受医疗保险待遇。",
            "Insured people who lost their job involuntarily after at least one year of contributions and registered as unemployed can claim the benefit, with medical cover.",
        ),
        conditions=(
            "失业前用人单位和本人已缴纳失业保险费满一年；非因本人意愿中断就业；已进行失业登记并有求职要求。",
            "One year of contributions, involuntary loss of work, and registration as unemployed and seeking work.",
        ),
        basis=(
            "《中华人民共和国社会保险法》第四十五条；《失业保险条例》第十四条",
            "Social Insurance Law, art. 45; Regulation on Unemployment Insurance, art. 14",
        ),
        steps=STEPS_PAYMENT,
        materials=[
            ID_CARD,
            material("解除或终止劳动关系证明", "Proof that the employment ended", cert=None),
            material("社会保障卡", "Social security card", cert="social-security-card"),
        ],
        form=form(
            APPLICANT_NAME,
            RESIDENT_ID,
            text("last_employer", "原工作单位"),
            date("separation_date", "离职日期"),
            choice(
                "reason",
                "离职原因",
                ["劳动合同期满终止", "用人单位解除", "单位破产或关闭", "其他非本人意愿原因"],
            ),
            PHONE,
        ),
    ),
    service(
        2402,
        "jn-rsj",
        "public_service",
        "person",
        ("就业创业证申领", "Application for the employment and entrepreneurship certificate"),
        limits=(5, 0),
        topics=["employment"],
        keywords="就业创业证 失业证 就业证 创业补贴 就业失业登记证",
        summary=(
            "劳动年龄内有劳动能力的人员可申领《就业创业证》，记录就业失业状态并享受就业创业扶持政策。",
            "Working-age people can obtain the certificate, which records employment status and unlocks start-up and employment support.",
        ),
        conditions=(
            "法定劳动年龄内、有劳动能力和就业愿望的人员。",
            "Of working age, able and willing to work.",
        ),
        basis=(
            "《就业服务与就业管理规定》第六十三条；《人力资源社会保障部关于进一步完善就业失业登记管理办法的通知》",
            "Provisions on Employment Services and Management, art. 63; MOHRSS notice on employment registration",
        ),
        steps=STEPS_ON_THE_SPOT,
        materials=[ID_CARD],
        form=form(
            APPLICANT_NAME,
            RESIDENT_ID,
            choice("status", "就业状态", ["失业", "灵活就业", "创业", "单位就业"]),
            choice("education", "文化程度", ["初中及以下", "高中/中专", "大专", "本科", "研究生"]),
            ADDRESS,
            PHONE,
        ),
    ),
    service(
        2403,
        "jn-rsj",
        "registration",
        "person",
        ("灵活就业人员参保登记", "Social insurance enrolment of flexible workers"),
        limits=(5, 0),
        topics=["employment", "social-security"],
        where=SOCIAL_SECURITY_CENTER,
        keywords="灵活就业 自由职业 个人交社保 个体参保 养老保险 个人缴费",
        summary=(
            "无雇工的个体工商户、未在用人单位参保的非全日制从业人员及其他灵活就业人员，可以个人身份参加职工基本养老保险和医疗保险。",
            "Self-employed people without staff, part-timers and other flexible workers can join the employee pension and medical insurance as individuals.",
        ),
        conditions=(
            "在本市灵活就业，达到法定劳动年龄未达到法定退休年龄。",
            "Working flexibly in Jinan, of working age and below retirement age.",
        ),
        basis=(
            "《中华人民共和国社会保险法》第十条、第二十三条；《人力资源社会保障部办公厅关于灵活就业人员在就业地参加社会保险有关问题的通知》",
            "Social Insurance Law, arts. 10 and 23; MOHRSS notice on flexible workers' insurance where they work",
        ),
        steps=STEPS_ON_THE_SPOT,
        materials=[ID_CARD],
        form=form(
            APPLICANT_NAME,
            RESIDENT_ID,
            choice("insurances", "参保险种", ["职工养老保险和职工医疗保险", "仅职工养老保险"]),
            choice("base_level", "缴费基数档次", ["60%", "80%", "100%", "150%", "200%", "300%"]),
            ADDRESS,
            PHONE,
        ),
    ),
    service(
        2404,
        "jn-rsj",
        "payment",
        "person",
        ("职工正常退休（基本养老金申领）", "Retirement and claim for the basic pension"),
        limits=(20, 10),
        topics=["retirement", "social-security"],
        where=SOCIAL_SECURITY_CENTER,
        keywords="退休 办退休 养老金 领养老金 退休手续 延迟退休 弹性退休",
        summary=(
            "参保人员达到法定退休年龄（含弹性提前或延迟）且累计缴费满最低年限的，申请办理退休并按月领取基本养老金。",
            "Insured people who reach the statutory retirement age (including flexible early or late retirement) with the minimum contribution years retire and receive a monthly pension.",
        ),
        conditions=(
            "达到法定退休年龄；累计缴费年限达到规定的最低缴费年限。",
            "Statutory retirement age reached and the minimum contribution period completed.",
        ),
        basis=(
            "《中华人民共和国社会保险法》第十六条；《国务院关于实施渐进式延迟法定退休年龄的决定》（2024年）",
            "Social Insurance Law, art. 16; State Council Decision on Gradually Raising the Statutory Retirement Age (2024)",
        ),
        steps=STEPS_PAYMENT,
        materials=[
            ID_CARD,
            material("职工退休申请表", "Retirement application form", formats=PDF_ONLY),
            material(
                "人事档案",
                "Personnel file",
                when=(
                    "需核定视同缴费年限或出生时间的",
                    "When deemed contribution years or birth date must be verified",
                ),
            ),
        ],
        form=form(
            APPLICANT_NAME,
            RESIDENT_ID,
            text("employer", "所在单位"),
            date("retirement_date", "申请退休日期"),
            choice(
                "retirement_type",
                "退休类型",
                ["按法定退休年龄退休", "弹性提前退休", "弹性延迟退休"],
            ),
            text("bank_card", "养老金发放银行卡号", maxLength=30),
            PHONE,
        ),
    ),
    service(
        2501,
        "jn-ybj",
        "public_service",
        "person",
        ("基本医疗保险跨省异地就医备案", "Registration for cross-province medical treatment"),
        limits=(1, 0),
        topics=["medical", "retirement"],
        keywords="异地就医 异地备案 外地看病 转诊 异地安置 医保备案 长期居住",
        summary=(
            "参保人员异地长期居住、临时外出就医或转诊转院的，办理备案后在就医地定点医疗机构直接结算医疗费用。",
            "People living, travelling or referred outside Shandong register first, then settle medical bills directly at designated hospitals there.",
        ),
        conditions=(
            "参加济南市基本医疗保险且正常享受待遇的人员。",
            "Insured in Jinan and entitled to benefits.",
        ),
        basis=(
            "《国家医保局 财政部关于进一步做好基本医疗保险跨省异地就医直接结算工作的通知》（医保发〔2022〕22号）",
            "NHSA and MOF notice on direct settlement of cross-province medical treatment (2022 No. 22)",
        ),
        steps=STEPS_ON_THE_SPOT,
        materials=[
            material(
                "社会保障卡或医保电子凭证",
                "Social security card or medical insurance e-voucher",
                cert="social-security-card",
            ),
            material("异地就医备案个人承诺书", "Commitment letter", formats=PDF_ONLY),
        ],
        form=form(
            APPLICANT_NAME,
            RESIDENT_ID,
            choice(
                "type",
                "备案类型",
                ["异地长期居住", "异地安置退休", "常驻异地工作", "转诊转院", "临时外出就医"],
            ),
            text("destination", "就医地（省、市）"),
            date("start_date", "备案开始日期"),
            PHONE,
        ),
    ),
    service(
        2502,
        "jn-ybj",
        "payment",
        "person",
        ("生育津贴申领", "Claim for maternity allowance"),
        limits=(20, 10),
        topics=["marriage", "medical"],
        keywords="生育津贴 生育保险 产假工资 生育报销 产假",
        summary=(
            "参加职工医疗保险（生育保险）的职工生育或实施计划生育手术的，按规定享受生育津贴。",
            "Employees insured for maternity receive the allowance for childbirth or family planning surgery.",
        ),
        conditions=(
            "生育时用人单位已为其连续足额缴纳生育保险费。",
            "The employer paid maternity contributions without gaps up to the birth.",
        ),
        basis=(
            "《中华人民共和国社会保险法》第五十四条、第五十六条；《山东省职工生育保险规定》",
            "Social Insurance Law, arts. 54 and 56; Shandong Provisions on Employee Maternity Insurance",
        ),
        steps=STEPS_PAYMENT,
        materials=[
            ID_CARD,
            BIRTH_CERT,
            material("住院病历或出院记录", "Hospital discharge record"),
        ],
        form=form(
            APPLICANT_NAME,
            RESIDENT_ID,
            text("employer", "所在单位"),
            BABY_BIRTH,
            choice("delivery_type", "分娩方式", ["顺产", "剖宫产"]),
            integer("babies", "胎数", minimum=1, maximum=5),
        ),
    ),
    service(
        2601,
        "jn-mzj",
        "payment",
        "person",
        ("最低生活保障审核确认", "Minimum living allowance (dibao)"),
        limits=(30, 20),
        topics=["social-security"],
        keywords="低保 最低生活保障 困难救助 救助 生活困难",
        summary=(
            "共同生活的家庭成员人均收入低于本市低保标准且财产符合规定的，可申请最低生活保障。",
            "Households whose per-capita income is below Jinan's dibao line and whose assets are within the limits can apply.",
        ),
        conditions=(
            "家庭人均收入低于当地低保标准，家庭财产状况符合规定。",
            "Per-capita income below the local line; assets within the limits.",
        ),
        basis=(
            "《社会救助暂行办法》第九条至第十一条；《山东省最低生活保障办法》",
            "Interim Measures on Social Assistance, arts. 9–11; Shandong Measures on the Minimum Living Allowance",
        ),
        steps=STEPS_PAYMENT,
        materials=[
            ID_CARD,
            HUKOU,
            material(
                "家庭经济状况核对授权书",
                "Authorisation to check household finances",
                formats=PDF_ONLY,
            ),
            material(
                "残疾证或病历",
                "Disability certificate or medical records",
                when=("家庭成员有残疾或重病的", "When a member is disabled or seriously ill"),
            ),
        ],
        form=form(
            APPLICANT_NAME,
            RESIDENT_ID,
            integer("household_size", "共同生活家庭人口", minimum=1),
            number("monthly_income", "家庭月总收入（元）"),
            ADDRESS,
            DISTRICT,
            text("reason", "申请理由"),
            PHONE,
        ),
    ),
    # ---- schooling -----------------------------------------------------------------------
    service(
        2701,
        "jn-jyj",
        "public_service",
        "person",
        ("义务教育入学登记（小学一年级）", "Primary school enrolment registration (grade 1)"),
        limits=(20, 15),
        topics=["schooling"],
        keywords="入学 小学报名 上学 学区 幼升小 招生 入学登记 学位",
        summary=(
            "适龄儿童由监护人通过济南市义务教育招生服务平台进行网上登记，按学区划片入学，审核结果在线告知。",
            "Parents register school-age children on Jinan's enrolment platform; places follow school districts and results are announced online.",
        ),
        conditions=(
            "当年8月31日前年满6周岁的儿童；户籍或房产、居住证在学区内。",
            "Children aged 6 by 31 August, with hukou, home or residence permit in the catchment.",
        ),
        basis=(
            "《中华人民共和国义务教育法》第十一条、第十二条；《济南市义务教育招生入学工作实施意见》",
            "Compulsory Education Law, arts. 11 and 12; Jinan enrolment rules for compulsory education",
        ),
        steps=STEPS_SIMPLE,
        materials=[
            HUKOU,
            material(
                "不动产权证书或购房合同",
                "Title certificate or purchase contract",
                cert="real-estate-certificate",
            ),
            material(
                "居住证",
                "Residence permit",
                cert="residence-permit",
                when=("非本市户籍随迁子女的", "For children without Jinan hukou"),
            ),
        ],
        form=form(
            text("child_name", "儿童姓名"),
            text("child_id", "儿童公民身份号码", format="cn-resident-id"),
            date("child_birth_date", "出生日期"),
            text("guardian_name", "监护人姓名"),
            ADDRESS,
            DISTRICT,
            text("school", "学区学校"),
            PHONE,
        ),
    ),
    service(
        2702,
        "jn-wjw",
        "licensing",
        "person",
        ("医师执业注册", "Registration of a practising physician"),
        limits=(20, 5),
        topics=["employment", "medical"],
        keywords="医师注册 执业注册 医生执业证 医师执业证书 变更执业地点",
        summary=(
            "取得医师资格的人员，经注册取得医师执业证书后方可按注册的执业地点、类别和范围执业。",
            "A qualified doctor must register to receive the practising certificate for a place, category and scope of practice.",
        ),
        conditions=(
            "取得医师资格证书，受聘于拟执业的医疗卫生机构，身体健康。",
            "A physician qualification, employment by the health facility, and good health.",
        ),
        basis=(
            "《中华人民共和国医师法》第十三条、第十四条；《医师执业注册管理办法》",
            "Physicians Law, arts. 13 and 14; Measures on Physician Practice Registration",
        ),
        steps=STEPS_LICENSING,
        materials=[
            ID_CARD,
            material("医师资格证书", "Physician qualification certificate"),
            material("拟执业机构聘用证明", "Appointment letter of the health facility"),
            material("六个月内的健康体检证明", "Health check within six months"),
        ],
        form=form(
            APPLICANT_NAME,
            RESIDENT_ID,
            text("qualification_no", "医师资格证书编码"),
            text("facility", "执业机构"),
            choice("category", "执业类别", ["临床", "中医", "口腔", "公共卫生"]),
            text("scope", "执业范围"),
            PHONE,
        ),
    ),
    # ---- driving ------------------------------------------------------------------------
    service(
        2801,
        "jn-jjzd",
        "licensing",
        "person",
        ("机动车驾驶证期满换证", "Renewal of a driving licence on expiry"),
        limits=(1, 0),
        topics=["driving"],
        keywords="驾照 换驾照 驾驶证到期 驾驶证换证 驾驶证 换本 驾照过期",
        summary=(
            "机动车驾驶证有效期满前九十日内申请换证，可通过“交管12123”App在线办理并邮寄新证。",
            "Renew within 90 days before expiry; apply online through the Traffic Management 12123 app and receive the new licence by post.",
        ),
        conditions=(
            "驾驶证有效期满前九十日内，身体条件符合规定，驾驶证未被扣押、暂扣。",
            "Within 90 days before expiry, fit to drive, and the licence not seized or suspended.",
        ),
        basis=(
            "《中华人民共和国道路交通安全法》第十九条；《机动车驾驶证申领和使用规定》（公安部令第162号）第七十条",
            "Road Traffic Safety Law, art. 19; Provisions on Driving Licences (MPS Order No. 162), art. 70",
        ),
        steps=STEPS_ON_THE_SPOT,
        materials=[
            ID_CARD,
            material("机动车驾驶证", "Driving licence", cert="driving-licence"),
            material("《机动车驾驶人身体条件证明》", "Driver's health certificate"),
            material("近期一寸白底证件照", "Recent white-background photo", formats=["jpg", "png"]),
        ],
        fees=[
            fee(
                "机动车驾驶证工本费",
                "Driving licence fee",
                "10.00",
                "《国家发展改革委 财政部关于公安部门有关收费标准的通知》（发改价格〔2004〕2831号）",
            )
        ],
        form=form(
            APPLICANT_NAME,
            RESIDENT_ID,
            text("licence_no", "驾驶证档案编号"),
            choice("vehicle_class", "准驾车型", ["C1", "C2", "B1", "B2", "A1", "A2", "D", "E"]),
            date("expiry_date", "有效期截止日期"),
            choice("delivery", "领取方式", ["邮寄送达", "窗口领取"]),
            ADDRESS,
            PHONE,
        ),
    ),
    service(
        2802,
        "jn-jjzd",
        "licensing",
        "both",
        ("机动车检验合格标志核发", "Issue of the vehicle inspection mark"),
        limits=(1, 0),
        topics=["driving"],
        keywords="年检 年审 车检 六年免检 检验标志 电子检验标志 车辆年检",
        summary=(
            "机动车经安全技术检验合格（或符合免检条件）的，核发检验合格标志，免检车辆可在线申领电子检验标志。",
            "After passing the safety inspection (or qualifying for exemption) the vehicle receives its inspection mark; exempt cars get the electronic mark online.",
        ),
        conditions=(
            "机动车检验合格或在免检范围内，交通违法和事故已处理完毕，已投保交强险。",
            "The vehicle passed or is exempt, offences and accidents are settled, and compulsory insurance is in force.",
        ),
        basis=(
            "《中华人民共和国道路交通安全法》第十三条；《机动车登记规定》（公安部令第164号）",
            "Road Traffic Safety Law, art. 13; Provisions on Motor Vehicle Registration (MPS Order No. 164)",
        ),
        steps=STEPS_ON_THE_SPOT,
        materials=[
            material("机动车行驶证", "Vehicle registration certificate", cert="vehicle-licence"),
            material("交强险保险单", "Compulsory traffic insurance policy"),
            material(
                "安全技术检验合格报告",
                "Inspection report",
                when=("需上线检验的", "When an on-site test was required"),
            ),
        ],
        form=form(
            text("owner", "机动车所有人"),
            text("plate_no", "号牌号码", pattern="^鲁[A-Z][A-Z0-9]{5,6}$"),
            choice("plate_type", "号牌种类", ["小型汽车", "小型新能源汽车", "大型汽车"]),
            boolean("exempt", "是否符合免检条件"),
            PHONE,
        ),
    ),
    service(
        2803,
        "jn-jtj",
        "licensing",
        "person",
        ("出租汽车驾驶员从业资格证核发", "Taxi driver qualification certificate"),
        limits=(10, 5),
        topics=["driving", "employment"],
        keywords="出租车 网约车 驾驶员证 从业资格证 网约车司机 的哥",
        summary=(
            "从事巡游出租汽车或网络预约出租汽车客运的驾驶员，经考试合格后取得从业资格证。",
            "Taxi and ride-hailing drivers obtain the qualification certificate after passing the examination.",
        ),
        conditions=(
            "取得相应准驾车型机动车驾驶证并具有3年以上驾驶经历；无交通肇事犯罪、危险驾驶犯罪记录；考试合格。",
            "A driving licence held for three years, no traffic crime record, and a passed examination.",
        ),
        basis=(
            "《出租汽车驾驶员从业资格管理规定》",
            "Provisions on Taxi Driver Qualification (Ministry of Transport)",
        ),
        steps=STEPS_LICENSING,
        materials=[
            ID_CARD,
            material("机动车驾驶证", "Driving licence", cert="driving-licence"),
            material("无犯罪记录证明", "Certificate of no criminal record"),
        ],
        form=form(
            APPLICANT_NAME,
            RESIDENT_ID,
            choice("kind", "从业类别", ["巡游出租汽车", "网络预约出租汽车"]),
            date("licence_since", "初次领取驾驶证日期"),
            date("exam_date", "考试日期"),
            PHONE,
        ),
    ),
]
