"""The work areas each role sees on its home page (工作台); later features register their links here."""

from dataclasses import dataclass

from bianmin.accounts.models import Role


@dataclass(frozen=True)
class Area:
    title: str
    description: str
    url_name: str | None = None  # a named URL once the feature exists
    queue: str | None = None  # a case queue (bianmin.cases.queues): linked, with its count
    counter: str | None = None  # a count shown beside the link (bianmin.workbench.views.COUNTERS)


AREAS: dict[str, list[Area]] = {
    Role.ADMIN: [
        Area("系统管理", "区划、中心、部门、窗口、人员与岗位", "admin:index"),
        Area("工作日历", "法定节假日与调休，每年 11 月更新", "calendar:index"),
        Area("事项清单", "事项、材料、表单字段与办事指南", "catalog_manage:list"),
        Area("县级参数", "本县的黄灯预警阈值等参数", "county_settings:list"),
        Area("消息模板", "短信与站内消息的文字，可按县改写", "messaging:templates"),
        Area("消息记录", "系统发出的全部短信；发送失败的可重发", "messaging:log", counter="failed_messages"),
        Area("咨询投诉工单", "全系统的咨询、求助、投诉、举报、建议工单", "inquiries:list"),
    ],
    Role.SUPERVISOR: [
        Area("辖区全部办件", "辖区内各中心的办件及红黄灯（只读）", queue="subtree"),
        Area("电子监察", "预警、督办单、红黄牌与督办台账（阈值按本县参数）", "supervision:desk"),
        Area(
            "差评整改",
            "辖区差评的整改进度；无效差评申请与延期由监察审核",
            "ratings:queue",
            counter="open_rectifications",
        ),
        Area("统计分析", "受理量、按期办结率、满意度；点击数字查看办件", "stats:dashboard"),
        Area("月报", "各乡镇与全县的月度报表（Excel、PDF）", "stats:report"),
        Area("绩效考核", "各中心人员、窗口的月度考核得分与排名", "stats:assessment"),
        Area("台账导出", "办件登记台账：本月收件的每一件（Excel）", "stats:ledger"),
        Area("下放事项承接", "县级下放事项与各乡镇承接率", "catalog_manage:delegations"),
        Area("代办台账", "各村代办件数与往返用时，慢的村一目了然", "proxy:register"),
        Area("咨询投诉工单", "辖区工单的答复期限、红黄灯与回访满意度", "inquiries:list"),
        Area("消息记录", "辖区发给群众的短信；发送失败的可重发", "messaging:log", counter="failed_messages"),
    ],
    Role.APPROVER: [
        Area("本部门待办", "已受理、由本部门牵头审批的办件", queue="department"),
        Area("待我会签", "联办件中等待本部门会签的任务", queue="joint-tasks"),
        Area("上报件", "乡镇初审后上报本部门决定的办件", queue="escalated"),
        Area(
            "差评整改",
            "本部门决定的办件收到的差评：核实、整改、回访",
            "ratings:queue",
            counter="open_rectifications",
        ),
        Area("暂停计时", "听证、检测、公示等特别程序中的办件", queue="suspended"),
        Area("即将到期", "办结期限临近、亮黄灯的办件（天数按本县参数）", queue="due-soon"),
        Area("已超期", "超过办结期限仍未办结（红灯）", queue="overdue"),
        Area("本部门工单", "派给本部门的咨询、投诉、举报：签收、答复、退回", "inquiries:list"),
        Area(
            "督办", "需要回告的督办单；数字为待回告的份数", "supervision:mine", counter="supervision_orders"
        ),
        Area("我的考核", "本人本月的考核得分与明细", "stats:assessment"),
    ],
    Role.DIRECTOR: [
        Area("中心全部办件", "各窗口、各部门办件及预警灯", queue="center"),
        Area("大厅设备", "窗口评价器、取号机、大厅显示屏的链接发放与停用", "devices:list"),
        Area(
            "差评整改",
            "群众差评的核实、整改、回访；超期的标红",
            "ratings:queue",
            counter="open_rectifications",
        ),
        Area("好差评公示", "各中心本月评价、群众留言与差评整改公示", "ratings:board_index"),
        Area("大厅设置", "取号类别、预约时段与名额、爽约规则、赶集服务", "hall:manage"),
        Area("排班与去向", "按月排班（AB岗）、本中心人员的签到和去向、签到二维码", "duty:centers"),
        Area("延期审批", "审批人员提交的延长办理期限申请", queue="extension-requests"),
        Area("咨询投诉工单", "派单、答复期限、工单延期审批、回访", "inquiries:list"),
        Area(
            "督办", "需要回告的督办单；数字为待回告的份数", "supervision:mine", counter="supervision_orders"
        ),
        Area("统计分析", "本中心各部门、各人员的办件量与按期办结率", "stats:dashboard"),
        Area("月报", "本乡镇的月度报表（Excel、PDF）", "stats:report"),
        Area("绩效考核", "本中心人员与窗口的月度考核", "stats:assessment"),
        Area("代办台账", "各村代办件数与往返用时", "proxy:register"),
        Area(
            "消息记录",
            "本中心发给群众的短信；数字为发送失败、待处理的条数",
            "messaging:log",
            counter="failed_messages",
        ),
    ],
    Role.CLERK: [
        Area("我的窗口", "选择今天办公的窗口：评价器和叫号跟随窗口", "devices:seat"),
        Area("叫号", "叫下一位、重呼、过号、转窗口；今日预约到场取号；赶集服务", "hall:caller"),
        Area("收件受理", "一窗受理：录入申请人、核对材料、受理/补正/不予受理", "cases:new"),
        Area("待受理", "已收件、待决定；超过5个工作日未告知补正的视为受理", queue="to-decide"),
        Area("待补正", "已一次性告知、等待群众补齐材料的办件", queue="awaiting-supplement"),
        Area("待送达", "已办结、待送达群众的办件", queue="to-deliver"),
        Area("今日收件", "今天本中心收到的全部申请", queue="received-today"),
        Area("登记工单", "来访咨询、求助、投诉、举报、建议：一句话加一个电话", "inquiries:new"),
        Area("咨询投诉工单", "待派单、待回访、即将到期的工单", "inquiries:list"),
        Area(
            "督办", "需要回告的督办单；数字为待回告的份数", "supervision:mine", counter="supervision_orders"
        ),
        Area("代办交接", "扫码签收代办员送来的交接单；把办理结果交代办员带回", "proxy:handovers"),
        Area("代录评价", "群众电话或纸质评价表的评价（不能代录本人经办的办件）", "ratings:record"),
        Area("代办台账", "各村代办件数与往返用时，导出 Excel", "proxy:register"),
        Area("我的考核", "本人本月的考核得分与明细", "stats:assessment"),
    ],
    Role.AGENT: [
        Area("村级代办", "本村办件：待交接、在镇里、待带回、已送达；值班安排", "proxy:home"),
        Area("代办登记", "为村民登记申请、记录委托、拍照上传材料", "proxy:new"),
        Area("代登记工单", "村民电话或当面反映的问题，登记后由镇中心派单", "inquiries:new"),
        Area("赶集服务", "镇中心逢集日到村、到集上现场办事的日程", "hall:outreach"),
        Area("交接单", "送往镇中心的办件与带回的结果", "proxy:handovers"),
        Area("代办台账", "本人代办的登记、交接、办结、送达", "proxy:register"),
    ],
}


# Everyone on a post of a center or station: sign-in, whereabouts, and the AB backup's queue when A is away.
DUTY_AREAS = [
    Area("B岗代办", "A岗不在岗期间，由您代为办理的事项", queue="standin"),
    Area("签到签退", "在中心网络内或扫描墙上二维码签到、签退", "duty:sign"),
    Area("我的去向", "在岗、下村、开会、请假，预计返回时间", "duty:whereabouts"),
]
DUTY_ROLES = {Role.CLERK, Role.DIRECTOR, Role.APPROVER, Role.AGENT}


def areas_for(roles) -> list[tuple[str, list[Area]]]:
    listed = [(Role(role).label, AREAS[role]) for role in Role if role in roles]
    if DUTY_ROLES & set(roles):
        listed.append(("值班", DUTY_AREAS))
    return listed
