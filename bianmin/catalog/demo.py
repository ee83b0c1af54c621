"""The demo catalog: one county standard list (扶风县) implemented by every township, plus delegation.

Each township's implementation of a standard item has the code f"{basic_code}-{township code}" and the
township department of the item's 条线 as its lead. Idempotent: items whose code already exists are left
alone, so running load_demo twice changes nothing.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bianmin.accounts.models import User
from bianmin.catalog.models import Field, FieldType, Item, ItemStatus, ItemType, Material
from bianmin.catalog.services import delegate_item, take_on_item
from bianmin.regions.demo import COUNTY, COUNTY_DEPARTMENTS, TOWNSHIP_DEPARTMENTS, TOWNSHIPS
from bianmin.regions.models import Center, Department, Level, Region

FAMEN = "610324106000"
TIANDU = "610324100000"
PUBLISHED_AT = datetime(2026, 1, 5, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

# 条线 → department key; township and county keys differ for 公安 (派出所 PC, 县公安局 GA).
TOWNSHIP_KEY = {kind: key for key, _name, kind in TOWNSHIP_DEPARTMENTS}
COUNTY_KEY = {kind: key for key, _name, kind in COUNTY_DEPARTMENTS}


def M(name, issuer="申请人", originals=1, copies=0, required=True, deferrable=False, standard=""):  # noqa: N802
    return {
        "name": name,
        "issuer": issuer,
        "originals": originals,
        "copies": copies,
        "required": required,
        "deferrable": deferrable,
        "standard": standard,
    }


def Q(code, label, datatype=FieldType.TEXT, required=True, choices=(), help_text=""):  # noqa: N802
    return {
        "code": code,
        "label": label,
        "datatype": datatype,
        "required": required,
        "choices": list(choices),
        "help_text": help_text,
    }


ID_CARD = M("申请人居民身份证", "公安机关", 1, 1, standard="核验原件，留存正反面复印件")
HUKOU = M("户口簿", "公安机关", 1, 1, standard="户主页及本人页")
BANK = M("本人社会保障卡或银行账户（存折）", "开户银行", 0, 1, deferrable=True, standard="用于发放资金")
PHOTO = M("近期一寸免冠彩色照片", "申请人", 2, 0, deferrable=True)
INCOME = M("家庭收入和财产状况申报表", "申请人填写", 1, 0, standard="共同生活的家庭成员逐人填写并签字")
AUTH = M("家庭经济状况核对授权书", "申请人填写", 1, 0, standard="家庭成员均须签字")
DISABILITY = M("中华人民共和国残疾人证", "县残疾人联合会", 1, 1)
MEDICAL = M("病历、诊断证明或医疗费用票据", "医疗机构", 0, 1, required=False, deferrable=True)


@dataclass
class Standard:
    """One item of the county standard list (统一名称、内容、流程、时限、收费)."""

    basic_code: str
    kind: str  # the 条线 whose township department leads
    name: str
    item_type: str
    legal: int
    promised: int
    events: str
    basis: str
    conditions: str
    materials: list
    short_name: str = ""
    extension: int = 0
    joint: tuple = ()  # 条线 that sign together with the lead (joint items)
    escalate: str = ""  # 条线 of the county department that decides (escalated items)
    questions: list = field(default_factory=list)
    online: bool = True
    appointment: bool = False
    max_visits: int = 1
    promise_approval: bool = False
    faq: str = ""
    fee: str = ""  # fee standard; empty = free


STANDARDS = [
    # 民政
    Standard(
        "MZ05001",
        "民政",
        "最低生活保障（低保）申请",
        ItemType.BENEFIT,
        30,
        20,
        "救助",
        "《社会救助暂行办法》第九条至第十二条；《陕西省最低生活保障工作规程》",
        "持有本县户籍，共同生活的家庭成员人均收入低于本县低保标准，且家庭财产状况符合规定。",
        [ID_CARD, HUKOU, INCOME, AUTH, BANK, MEDICAL],
        short_name="低保申请",
        extension=10,
        questions=[
            Q("household_size", "共同生活家庭人口数", FieldType.NUMBER),
            Q("reason", "主要致困原因", FieldType.CHOICE, choices=["因病", "因残", "缺乏劳动能力", "其他"]),
        ],
        faq="问：外出务工的子女算不算共同生活家庭成员？答：按户籍和实际共同生活情况认定，可到窗口咨询。",
    ),
    Standard(
        "MZ05002",
        "民政",
        "特困人员救助供养申请",
        ItemType.BENEFIT,
        40,
        35,
        "救助,养老",
        "《社会救助暂行办法》第十四条至第十九条；《特困人员认定办法》",
        "无劳动能力、无生活来源、无法定赡养抚养扶养义务人或其义务人无履行能力的老年人、残疾人和未成年人。",
        [ID_CARD, HUKOU, INCOME, AUTH, M("特困人员救助供养申请书", "申请人填写", 1, 0), BANK],
        short_name="特困供养",
        escalate="民政",
        max_visits=1,
        questions=[Q("support_mode", "供养方式", FieldType.CHOICE, choices=["分散供养", "集中供养"])],
        faq="问：由谁审批？答：镇民政所初审后报县民政局确认，结果由镇中心送达。",
    ),
    Standard(
        "MZ05003",
        "民政",
        "临时救助申请",
        ItemType.BENEFIT,
        15,
        10,
        "救助,医疗",
        "《社会救助暂行办法》第四十七条至第五十条；《陕西省临时救助实施办法》",
        "因火灾、交通事故、突发重大疾病等导致基本生活暂时出现严重困难的家庭或个人。",
        [ID_CARD, HUKOU, M("临时救助申请书", "申请人填写", 1, 0), MEDICAL, BANK],
        questions=[Q("emergency", "困难类型", FieldType.CHOICE, choices=["急难型", "支出型"])],
    ),
    Standard(
        "MZ05004",
        "民政",
        "高龄津贴申请",
        ItemType.BENEFIT,
        20,
        10,
        "养老",
        "《陕西省老年人权益保障条例》；《扶风县高龄老人生活补贴发放办法》",
        "具有本县户籍、年满 80 周岁的老年人。",
        [ID_CARD, HUKOU, BANK],
        short_name="高龄补贴",
        questions=[Q("birth_date", "出生日期", FieldType.DATE)],
    ),
    Standard(
        "MZ05005",
        "民政",
        "困难残疾人生活补贴和重度残疾人护理补贴申请",
        ItemType.BENEFIT,
        30,
        20,
        "残疾,救助",
        "《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》（国发〔2015〕52号）",
        "持有第二代残疾人证的低保家庭残疾人，或残疾等级为一级、二级的重度残疾人。",
        [ID_CARD, DISABILITY, HUKOU, BANK],
        short_name="残疾人两项补贴",
    ),
    Standard(
        "MZ07006",
        "民政",
        "低保对象就业困难人员认定",
        ItemType.CONFIRMATION,
        15,
        10,
        "就业,救助",
        "《社会救助暂行办法》第四十二条至第四十五条；《就业服务与就业管理规定》",
        "在册低保家庭中有劳动能力、处于失业状态并有就业愿望的成员。",
        [
            ID_CARD,
            HUKOU,
            M("低保证或低保在册证明", "镇民政所", 0, 1, deferrable=True),
            M("就业困难人员认定申请表", "申请人填写", 1, 0),
        ],
        short_name="低保就业援助",
        joint=("民政", "人社"),
        questions=[
            Q(
                "skill",
                "希望参加的技能培训",
                FieldType.MULTI_CHOICE,
                required=False,
                choices=["家政服务", "电工", "厨师", "电商", "种养殖"],
            )
        ],
    ),
    Standard(
        "MZ05007",
        "民政",
        "孤儿和事实无人抚养儿童基本生活费申请",
        ItemType.BENEFIT,
        30,
        25,
        "救助",
        "《国务院办公厅关于加强孤儿保障工作的意见》；《关于进一步加强事实无人抚养儿童保障工作的意见》",
        "父母双亡或父母均无力履行抚养义务的未满 18 周岁儿童。",
        [
            M("儿童户口簿及出生医学证明", "公安机关、医疗机构", 1, 1),
            M("父母死亡或失联等情况证明", "有关机关", 1, 1),
            M("监护人居民身份证", "公安机关", 1, 1),
            BANK,
        ],
        short_name="孤儿生活费",
        escalate="民政",
    ),
    Standard(
        "MZ20008",
        "民政",
        "老年人优待证办理",
        ItemType.PUBLIC_SERVICE,
        10,
        5,
        "养老",
        "《中华人民共和国老年人权益保障法》第五十七条",
        "年满 60 周岁的本县户籍老年人。",
        [ID_CARD, PHOTO],
        short_name="老年证",
    ),
    Standard(
        "MZ20009",
        "民政",
        "婚姻登记预约及材料预审",
        ItemType.PUBLIC_SERVICE,
        1,
        0,
        "婚姻",
        "《婚姻登记条例》",
        "符合结婚或离婚登记条件、户籍在本县的当事人（登记须双方本人到县婚姻登记处办理）。",
        [M("双方居民身份证", "公安机关", 1, 0), M("双方户口簿", "公安机关", 1, 0), PHOTO],
        short_name="婚姻登记预约",
        appointment=True,
        online=True,
        questions=[
            Q(
                "registration",
                "登记类型",
                FieldType.CHOICE,
                choices=["结婚登记", "离婚登记", "补领婚姻登记证"],
            ),
            Q("date", "希望登记日期", FieldType.DATE),
        ],
    ),
    # 人社
    Standard(
        "RS20001",
        "人社",
        "城乡居民基本养老保险参保登记",
        ItemType.PUBLIC_SERVICE,
        5,
        1,
        "养老",
        "《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）",
        "年满 16 周岁（不含在校学生），非国家机关和事业单位工作人员及不属于职工基本养老保险覆盖范围的本县户籍居民。",
        [ID_CARD, HUKOU, M("城乡居民基本养老保险参保登记表", "申请人填写", 1, 0)],
        short_name="养老保险参保",
        questions=[
            Q(
                "grade",
                "缴费档次（元/年）",
                FieldType.CHOICE,
                choices=["200", "300", "500", "1000", "2000", "3000"],
            )
        ],
    ),
    Standard(
        "RS05002",
        "人社",
        "城乡居民基本养老保险待遇领取申请",
        ItemType.BENEFIT,
        20,
        10,
        "养老",
        "《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）",
        "参保人年满 60 周岁、累计缴费满 15 年，且未领取国家规定的基本养老保障待遇。",
        [ID_CARD, HUKOU, BANK, M("城乡居民基本养老保险待遇领取申请表", "申请人填写", 1, 0)],
        short_name="养老金领取",
    ),
    Standard(
        "RS20003",
        "人社",
        "就业登记",
        ItemType.PUBLIC_SERVICE,
        5,
        0,
        "就业",
        "《就业服务与就业管理规定》第六十二条",
        "在法定劳动年龄内已实现就业的劳动者。",
        [ID_CARD, M("劳动合同或就业证明", "用人单位", 0, 1, deferrable=True)],
    ),
    Standard(
        "RS20004",
        "人社",
        "失业登记",
        ItemType.PUBLIC_SERVICE,
        5,
        0,
        "就业",
        "《就业服务与就业管理规定》第六十三条",
        "法定劳动年龄内、有劳动能力和就业要求、处于无业状态的本县常住人员。",
        [ID_CARD, M("解除或终止劳动关系证明", "原用人单位", 1, 0, required=False, deferrable=True)],
    ),
    Standard(
        "RS20005",
        "人社",
        "灵活就业人员登记",
        ItemType.PUBLIC_SERVICE,
        5,
        1,
        "就业",
        "《就业服务与就业管理规定》；《陕西省灵活就业人员社会保险补贴办法》",
        "以非全日制、临时性、季节性、弹性工作等灵活形式就业的本县劳动者。",
        [ID_CARD, M("灵活就业情况说明", "申请人填写", 1, 0)],
        short_name="灵活就业",
        questions=[
            Q("work_type", "从业形式", FieldType.CHOICE, choices=["个体经营", "非全日制", "临时性", "季节性"])
        ],
    ),
    Standard(
        "RS20006",
        "人社",
        "城乡居民养老保险关系转移接续",
        ItemType.PUBLIC_SERVICE,
        45,
        30,
        "养老",
        "《城乡养老保险制度衔接暂行办法》",
        "参保人跨统筹地区转移户籍的。",
        [ID_CARD, HUKOU, M("户籍迁移证明", "公安机关", 0, 1)],
    ),
    # 卫健
    Standard(
        "WJ20001",
        "卫健",
        "生育登记",
        ItemType.PUBLIC_SERVICE,
        5,
        0,
        "生育",
        "《中华人民共和国人口与计划生育法》第二十九条；《陕西省人口与计划生育条例》",
        "夫妻双方或一方户籍在本县，或在本县居住生育的。",
        [M("夫妻双方居民身份证", "公安机关", 1, 0), M("结婚证", "婚姻登记机关", 1, 0)],
        questions=[
            Q("child_order", "本次登记为第几个子女", FieldType.CHOICE, choices=["一孩", "二孩", "三孩"])
        ],
    ),
    Standard(
        "WJ05002",
        "卫健",
        "农村部分计划生育家庭奖励扶助申请",
        ItemType.BENEFIT,
        30,
        20,
        "生育,养老",
        "《全国农村部分计划生育家庭奖励扶助制度管理规范》",
        "本人及配偶均为农业户口或界定为农村居民，只生育一个子女或两个女孩，年满 60 周岁。",
        [
            ID_CARD,
            HUKOU,
            M("结婚证", "婚姻登记机关", 1, 1),
            M("独生子女父母光荣证", "镇卫健办", 1, 1, deferrable=True),
        ],
        short_name="独生子女父母奖励",
    ),
    Standard(
        "WJ20003",
        "卫健",
        "独生子女父母光荣证补办",
        ItemType.PUBLIC_SERVICE,
        5,
        0,
        "生育",
        "《陕西省人口与计划生育条例》",
        "原证遗失或损毁、曾依法领取独生子女父母光荣证的夫妻。",
        [
            ID_CARD,
            M("户口簿（含子女页）", "公安机关", 1, 1),
            M("遗失声明或损毁原证", "申请人", 1, 0, required=False),
        ],
        short_name="光荣证补办",
    ),
    Standard(
        "WJ05004",
        "卫健",
        "计划生育家庭特别扶助申请",
        ItemType.BENEFIT,
        30,
        25,
        "生育,养老,救助",
        "《全国独生子女伤残死亡家庭扶助制度试点方案》",
        "独生子女死亡或伤残（三级以上）后未再生育或收养子女，女方年满 49 周岁的夫妻。",
        [ID_CARD, HUKOU, M("子女死亡证明或残疾人证", "有关机关", 1, 1), M("结婚证", "婚姻登记机关", 1, 1)],
        escalate="卫健",
    ),
    # 医保
    Standard(
        "YB20001",
        "医保",
        "城乡居民基本医疗保险参保登记",
        ItemType.PUBLIC_SERVICE,
        5,
        0,
        "医疗",
        "《中华人民共和国社会保险法》第二十五条；《陕西省城乡居民基本医疗保险办法》",
        "未参加职工基本医疗保险的本县城乡居民。",
        [ID_CARD, HUKOU],
        short_name="医保参保",
    ),
    Standard(
        "YB05002",
        "医保",
        "医疗救助申请",
        ItemType.BENEFIT,
        20,
        15,
        "医疗,救助",
        "《社会救助暂行办法》第二十八条至第三十五条；《扶风县医疗救助实施办法》",
        "低保对象、特困人员、低收入家庭成员及因病致贫的重病患者，经基本医保和大病保险报销后仍有困难的。",
        [ID_CARD, M("住院病历及出院小结", "医疗机构", 0, 1), M("医疗费用结算单", "医疗机构", 1, 0), BANK],
    ),
    Standard(
        "YB07003",
        "医保",
        "门诊慢特病待遇认定申请",
        ItemType.CONFIRMATION,
        30,
        20,
        "医疗",
        "《国家医疗保障局关于健全门诊慢特病保障制度的指导意见》",
        "参加本县基本医疗保险、患有规定慢性病或特殊疾病的参保人。",
        [ID_CARD, M("二级以上医院诊断证明及检查报告", "医疗机构", 1, 1), PHOTO],
        short_name="慢特病认定",
        escalate="医保",
        questions=[Q("disease", "申请认定的病种", FieldType.TEXT)],
    ),
    # 司法
    Standard(
        "SF20001",
        "司法",
        "人民调解申请",
        ItemType.PUBLIC_SERVICE,
        30,
        15,
        "法律服务",
        "《中华人民共和国人民调解法》第十七条、第二十八条",
        "当事人之间发生民间纠纷，一方或双方自愿申请调解的。",
        [ID_CARD, M("纠纷情况说明及有关证据", "申请人", 1, 1, required=False, deferrable=True)],
        max_visits=2,
        online=False,
        questions=[
            Q(
                "dispute",
                "纠纷类型",
                FieldType.CHOICE,
                choices=["婚姻家庭", "邻里", "土地承包", "宅基地", "劳务", "其他"],
            )
        ],
        faq="问：调解收费吗？答：人民调解不收取任何费用。",
    ),
    Standard(
        "SF05002",
        "司法",
        "法律援助申请",
        ItemType.PUBLIC_SERVICE,
        7,
        5,
        "法律服务,救助",
        "《中华人民共和国法律援助法》第三十八条至第四十三条",
        "因经济困难没有委托代理人，且属于法律援助范围的公民。",
        [
            ID_CARD,
            M("法律援助申请表", "申请人填写", 1, 0),
            M("经济困难状况说明表", "申请人填写", 1, 0),
            M("与所申请事项相关的案件材料", "申请人", 0, 1),
        ],
        escalate="司法",
    ),
    # 自然资源
    Standard(
        "ZR01001",
        "自然资源",
        "农村村民宅基地建房审批",
        ItemType.LICENSE,
        20,
        15,
        "土地建房",
        "《中华人民共和国土地管理法》第六十二条；《陕西省农村村民住宅建设管理办法》",
        "本村集体经济组织成员，一户一宅，符合村庄规划和用途管制要求。",
        [
            ID_CARD,
            HUKOU,
            M("农村宅基地和建房（规划许可）申请表", "申请人填写", 1, 0),
            M("村民小组会议讨论记录及公示材料", "村委会", 1, 0),
            M("宅基地使用承诺书", "申请人填写", 1, 0),
            M("房屋设计图或通用图", "设计单位", 1, 0, deferrable=True),
        ],
        short_name="宅基地建房",
        escalate="自然资源",
        max_visits=2,
        online=False,
        questions=[
            Q("area", "拟用地面积（平方米）", FieldType.NUMBER),
            Q("build_type", "建房类型", FieldType.CHOICE, choices=["新建", "翻建", "改建"]),
            Q("location", "拟建位置（村组、四至）", FieldType.TEXT),
        ],
    ),
    Standard(
        "ZR01002",
        "自然资源",
        "乡村建设规划许可证核发",
        ItemType.LICENSE,
        20,
        15,
        "土地建房",
        "《中华人民共和国城乡规划法》第四十一条",
        "在乡、村庄规划区内进行乡镇企业、乡村公共设施和公益事业建设的。",
        [
            M("乡村建设规划许可申请表", "申请人填写", 1, 0),
            M("建设用地权属证明", "自然资源部门", 0, 1),
            M("建设工程设计方案", "设计单位", 1, 0),
        ],
        short_name="乡村规划许可",
        online=False,
    ),
    # 农业
    Standard(
        "NY20001",
        "农业",
        "农村土地承包经营权流转合同鉴证",
        ItemType.PUBLIC_SERVICE,
        10,
        5,
        "土地建房,农业生产",
        "《中华人民共和国农村土地承包法》第三十六条至第四十六条；《农村土地经营权流转管理办法》",
        "流转双方自愿、签订书面流转合同的农村土地承包户和受让方。",
        [
            M("双方居民身份证或营业执照", "有关机关", 1, 1),
            M("土地经营权流转合同", "流转双方", 3, 0),
            M("农村土地承包经营权证", "县农业农村局", 1, 1),
        ],
        short_name="土地流转鉴证",
    ),
    Standard(
        "NY05002",
        "农业",
        "农机购置与应用补贴申请",
        ItemType.BENEFIT,
        20,
        15,
        "农业生产",
        "《农业机械化促进法》第二十七条；《农机购置与应用补贴实施方案》",
        "购置列入补贴范围农业机械的农户和农业生产经营组织。",
        [ID_CARD, M("购机发票", "经销商", 1, 1), M("农机具照片（含铭牌）", "申请人", 1, 0), BANK],
        short_name="农机补贴",
        escalate="农业",
    ),
    Standard(
        "NY05003",
        "农业",
        "耕地地力保护补贴申报",
        ItemType.BENEFIT,
        30,
        20,
        "农业生产",
        "《财政部 农业部关于全面推开农业“三项补贴”改革工作的通知》",
        "拥有耕地承包权并实际种植的农户。",
        [ID_CARD, M("土地承包经营权证或承包合同", "县农业农村局", 0, 1), BANK],
        short_name="地力补贴",
    ),
    # 林业
    Standard(
        "LY01001",
        "林业",
        "林木采伐许可证核发",
        ItemType.LICENSE,
        20,
        10,
        "农业生产",
        "《中华人民共和国森林法》第五十六条、第五十七条；《森林法实施条例》",
        "采伐农村居民房前屋后个人所有零星林木以外的林木，持有林权证明。",
        [
            ID_CARD,
            M("林木采伐申请表", "申请人填写", 1, 0),
            M("林权证或林木权属证明", "县林业局", 1, 1),
            M("伐区调查设计或作业设计", "林业站", 1, 0, deferrable=True),
        ],
        short_name="林木采伐",
        questions=[
            Q("volume", "申请采伐蓄积（立方米）", FieldType.NUMBER),
            Q("species", "树种", FieldType.TEXT),
        ],
    ),
    # 退役军人
    Standard(
        "TY20001",
        "退役军人",
        "退役军人优待证申领",
        ItemType.PUBLIC_SERVICE,
        15,
        10,
        "退役军人",
        "《中华人民共和国退役军人保障法》第六十条；《退役军人、其他优抚对象优待证管理办法》",
        "已采集信息的退役军人、烈属、因公牺牲军人遗属和病故军人遗属。",
        [ID_CARD, M("退役证件（退伍证、转业证等）", "部队或退役军人事务部门", 1, 1), PHOTO],
    ),
    Standard(
        "TY05002",
        "退役军人",
        "残疾军人抚恤金申请",
        ItemType.BENEFIT,
        60,
        40,
        "退役军人,残疾",
        "《军人抚恤优待条例》第二十四条至第三十二条",
        "经评定残疾等级并持有残疾军人证的退役军人。",
        [ID_CARD, M("中华人民共和国残疾军人证", "退役军人事务部门", 1, 1), BANK],
        escalate="退役军人",
    ),
    Standard(
        "TY20003",
        "退役军人",
        "退役士兵自主就业一次性经济补助申请",
        ItemType.BENEFIT,
        30,
        20,
        "退役军人,就业",
        "《退役士兵安置条例》第十八条、第十九条",
        "选择自主就业的退役士兵，在退役后规定时间内到安置地报到。",
        [ID_CARD, M("退出现役证", "部队", 1, 1), M("自主就业介绍信", "县退役军人事务局", 1, 0), BANK],
        short_name="自主就业补助",
    ),
    # 残联
    Standard(
        "CL07001",
        "残联",
        "残疾人证申领",
        ItemType.CONFIRMATION,
        30,
        20,
        "残疾",
        "《中华人民共和国残疾人证管理办法》",
        "符合残疾标准的本县户籍残疾人。",
        [ID_CARD, HUKOU, PHOTO, M("残疾评定表（指定医院出具）", "指定评残医院", 1, 0)],
        short_name="办残疾证",
        escalate="残联",
    ),
    Standard(
        "CL20002",
        "残联",
        "残疾人辅助器具适配申请",
        ItemType.PUBLIC_SERVICE,
        15,
        10,
        "残疾",
        "《残疾人保障法》第四十八条；《陕西省残疾人辅助器具适配补贴办法》",
        "持证残疾人经评估需要适配辅助器具的。",
        [ID_CARD, DISABILITY],
        short_name="辅具适配",
        questions=[
            Q(
                "device",
                "需要的辅助器具",
                FieldType.MULTI_CHOICE,
                choices=["轮椅", "助行器", "助听器", "坐便椅", "其他"],
            )
        ],
    ),
    # 公安（户籍）
    Standard(
        "GA07001",
        "公安",
        "出具户籍证明",
        ItemType.CONFIRMATION,
        3,
        0,
        "户籍",
        "《中华人民共和国户口登记条例》；《公安部关于规范户籍证明的通知》",
        "本人或其直系亲属因办理相关事务需要户籍证明的。",
        [ID_CARD, HUKOU],
        short_name="户籍证明",
    ),
    Standard(
        "GA07002",
        "公安",
        "出具居住证明",
        ItemType.CONFIRMATION,
        3,
        0,
        "户籍",
        "《居住证暂行条例》第九条",
        "在本辖区实际居住、需办理相关事务的居民。",
        [ID_CARD, M("房屋产权证明或租赁合同", "申请人", 1, 1, deferrable=True)],
        short_name="居住证明",
    ),
    Standard(
        "GA07003",
        "公安",
        "出生登记（新生儿入户）",
        ItemType.CONFIRMATION,
        5,
        1,
        "生育,户籍",
        "《中华人民共和国户口登记条例》第七条",
        "婴儿出生后一个月内，由户主、亲属、抚养人或邻居申报。",
        [
            M("出生医学证明", "助产医疗机构", 1, 1),
            M("父母居民身份证", "公安机关", 1, 1),
            HUKOU,
            M("父母结婚证", "婚姻登记机关", 1, 1, required=False),
        ],
        short_name="新生儿落户",
    ),
    # 财政
    Standard(
        "CZ20001",
        "财政",
        "惠民惠农财政补贴“一卡通”信息变更",
        ItemType.PUBLIC_SERVICE,
        5,
        1,
        "农业生产,救助",
        "《关于进一步加强惠民惠农财政补贴资金“一卡通”管理的指导意见》",
        "补贴对象社会保障卡（一卡通）账户挂失、更换或信息有误的。",
        [ID_CARD, BANK],
        short_name="一卡通变更",
    ),
]

# What the county has delegated (下放) to townships, and how far each township has taken it on (承接).
DELEGATED = [
    ("MZ05001", date(2024, 1, 1), "扶政发〔2023〕28号"),
    ("MZ05003", date(2024, 1, 1), "扶政发〔2023〕28号"),
    ("MZ05005", date(2024, 1, 1), "扶政发〔2023〕28号"),
    ("ZR01002", date(2024, 7, 1), "扶政办发〔2024〕15号"),
    ("LY01001", date(2024, 7, 1), "扶政办发〔2024〕15号"),
    ("NY20001", date(2024, 7, 1), "扶政办发〔2024〕15号"),
]

# The four 法门镇 items API.md names, by the role the case engine and its tests look them up by.
DEMO_ITEMS = {
    "instant": f"GA07002-{FAMEN}",  # 出具居住证明, promised 0
    "promised": f"MZ05004-{FAMEN}",  # 高龄津贴申请, 法门镇民政所, 10 working days
    "joint": f"MZ07006-{FAMEN}",  # 低保对象就业困难人员认定: 民政 leads, 人社 signs
    "escalated": f"MZ05002-{FAMEN}",  # 特困人员救助供养: 法门镇民政所 reviews, 扶风县民政局 decides
}


def item_code(basic_code: str, township_code: str) -> str:
    return f"{basic_code}-{township_code}"


def _process(std: Standard, lead: Department, county_dept: Department | None) -> str:
    if county_dept:
        return (
            f"1. 申请人到镇便民服务中心综合窗口或通过村代办员提交申请；2. 窗口受理；3. {lead.short_name}初审；"
            f"4. 报{county_dept.name}审批；5. 结果由镇中心或代办员送达。"
        )
    if std.promised == 0:
        return "1. 综合窗口收件核对材料；2. 当场办结；3. 当场送达。"
    if std.joint:
        return (
            f"1. 综合窗口受理；2. {lead.short_name}牵头，"
            f"{'、'.join(k for k in std.joint if k != std.kind)}部门会签；3. 办结；4. 送达。"
        )
    return f"1. 综合窗口受理；2. {lead.short_name}审核；3. 审批办结；4. 送达（可邮寄或由代办员带回）。"


def load() -> None:
    county = Region.objects.get(code=COUNTY)
    departments = {d.code: d for d in Department.objects.within(county).select_related("region")}
    centers = {c.region_id: c for c in Center.objects.filter(level="township")}
    delegated_codes = {basic for basic, _d, _doc in DELEGATED}
    existing = set(Item.objects.values_list("code", flat=True))

    new_items: list[tuple[Item, Standard, list[Department]]] = []
    for township_code, township_name, _key, _villages in TOWNSHIPS:
        township = Region.objects.get(code=township_code)
        center = centers[township_code]
        for std in STANDARDS:
            code = item_code(std.basic_code, township_code)
            if code in existing:
                continue
            lead = departments[f"{township_code}{TOWNSHIP_KEY[std.kind]}"]
            county_dept = departments[f"{COUNTY}{COUNTY_KEY[std.escalate]}"] if std.escalate else None
            joints = [departments[f"{township_code}{TOWNSHIP_KEY[k]}"] for k in std.joint]
            item = Item(
                code=code,
                basic_code=std.basic_code,
                name=std.name,
                short_name=std.short_name,
                item_type=std.item_type,
                version=1,
                status=ItemStatus.PUBLISHED,
                published_at=PUBLISHED_AT,
                region=township,
                implementing_body=f"扶风县{township_name}人民政府",
                level=Level.TOWNSHIP,
                lead_department=lead,
                escalate_to=county_dept,
                delegated=std.basic_code in delegated_codes,
                life_events=std.events,
                legal_basis=std.basis,
                conditions=std.conditions,
                process=_process(std, lead, county_dept),
                legal_limit_days=std.legal,
                promised_limit_days=std.promised,
                extension_days=std.extension,
                fee=bool(std.fee),
                fee_standard=std.fee or "不收费",
                online=std.online,
                proxy=True,
                appointment=std.appointment,
                promise_approval=std.promise_approval,
                max_visits=std.max_visits,
                place=f"{center.address}，综合受理窗口（1号窗口）",
                hours=center.opening_hours,
                consult_phone=lead.phone,
                supervise_phone=center.supervision_phone,
                faq=std.faq,
            )
            item.refresh_search_key()
            new_items.append((item, std, joints))

    if new_items:
        # Bulk inserts keep load_demo fast enough for every test that uses the demo county.
        Item.objects.bulk_create([item for item, _s, _j in new_items])
        Material.objects.bulk_create(
            Material(item=item, position=i, **m)
            for item, std, _j in new_items
            for i, m in enumerate(std.materials, start=1)
        )
        Field.objects.bulk_create(
            Field(item=item, position=i, **q)
            for item, std, _j in new_items
            for i, q in enumerate(std.questions, start=1)
        )
        Through = Item.joint_departments.through
        Through.objects.bulk_create(
            Through(item_id=item.pk, department_id=d.pk) for item, _s, joints in new_items for d in joints
        )

    _load_delegation(User.objects.get(username="admin"), county, departments)


def _load_delegation(admin: User, county: Region, departments: dict) -> None:
    """The county administrator records the delegations and the townships' take-ons, as on the pages."""
    by_code = {s.basic_code: s for s in STANDARDS}
    townships = list(Region.objects.filter(parent=county, level=Level.TOWNSHIP).order_by("code"))
    for basic_code, delegated_on, document in DELEGATED:
        std = by_code[basic_code]
        delegation = delegate_item(
            admin,
            county,
            basic_code,
            std.name,
            departments[f"{COUNTY}{COUNTY_KEY[std.kind]}"],
            delegated_on,
            document,
        )
        for index, township in enumerate(townships):
            # Townships take items on at different paces, so the county's rate table is worth reading.
            if DELEGATED.index((basic_code, delegated_on, document)) < len(DELEGATED) - index % 4:
                taken_on = date(delegated_on.year, delegated_on.month + 2, 1)
                take_on_item(admin, delegation, township, taken_on, "已进驻便民服务中心综合窗口")
