"""The canonical tables: columns, types, Chinese labels and accepted header aliases.

This module is the one contract every stage reads: the readers map headers with
:data:`TABLES`, the pandera schemas are built from it, the Excel templates and
``docs/data_contracts.md`` are generated from it.

Kinds of column
---------------
``str``       free text (pandas ``str`` dtype, missing as NA)
``datetime``  tz-aware ``datetime64[ns, Asia/Shanghai]``
``int``       nullable ``Int64`` counts (``-1`` and words such as ``赞`` handled by readers)
``bool``      nullable ``boolean``
``category``  one of ``choices`` (canonical English codes; Chinese spellings in ``choice_aliases``)

Examples
--------
>>> from liuan_eval.schemas import TABLES, column_names
>>> column_names("posts")[:3]
['account_id', 'account', 'platform']
>>> TABLES["messages"]["received_at"].label
'留言时间'
"""
from __future__ import annotations

from dataclasses import dataclass, field

TIMEZONE = "Asia/Shanghai"

#: Canonical platform codes and the spellings accepted for them.
PLATFORM_ALIASES: dict[str, str] = {
    "weibo": "weibo", "微博": "weibo", "新浪微博": "weibo", "政务微博": "weibo", "sina": "weibo",
    "微博号": "weibo", "新浪微博号": "weibo", "政务微博号": "weibo", "微博账号": "weibo",
    "wechat": "wechat", "微信": "wechat", "公众号": "wechat", "微信公众号": "wechat",
    "政务微信": "wechat", "weixin": "wechat", "微信服务号": "wechat", "微信订阅号": "wechat", "服务号": "wechat",
    "订阅号": "wechat", "微信公众平台": "wechat", "政务公众号": "wechat", "政务微信公众号": "wechat",
    "app": "app", "客户端": "app", "移动客户端": "app", "政务客户端": "app", "移动端": "app",
    "手机app": "app", "应用": "app", "app客户端": "app", "客户端app": "app", "移动app": "app", "政务app": "app",
    "手机客户端": "app",
    # the other platforms an office registers (short video, news feeds); assessed by the criteria that
    # apply to any platform (the presets' `platforms`); C01 still asks for the three the notice names
    "douyin": "douyin", "抖音": "douyin", "抖音号": "douyin", "政务抖音": "douyin", "tiktok": "douyin",
    "抖音短视频": "douyin", "抖音账号": "douyin", "政务抖音号": "douyin",
    "kuaishou": "kuaishou", "快手": "kuaishou", "快手号": "kuaishou", "政务快手": "kuaishou",
    "toutiao": "toutiao", "今日头条": "toutiao", "头条": "toutiao", "头条号": "toutiao", "政务头条号": "toutiao",
    "今日头条号": "toutiao",
    "channels": "channels", "视频号": "channels", "微信视频号": "channels",
    "bilibili": "bilibili", "哔哩哔哩": "bilibili", "b站": "bilibili",
    "xiaohongshu": "xiaohongshu", "小红书": "xiaohongshu",
    "baijiahao": "baijiahao", "百家号": "baijiahao",
    "other": "other", "其他": "other", "其他平台": "other",
}
#: The three platforms of the 2016 notice (“两微一端”, criterion C01), first in every table.
CORE_PLATFORMS = ("weibo", "wechat", "app")
PLATFORM_LABELS = {"weibo": "微博", "wechat": "微信", "app": "客户端", "douyin": "抖音", "kuaishou": "快手",
                   "toutiao": "今日头条", "channels": "视频号", "bilibili": "哔哩哔哩", "xiaohongshu": "小红书",
                   "baijiahao": "百家号", "other": "其他平台"}

UNIT_TYPE_ALIASES: dict[str, str] = {
    "county": "county", "县区": "county", "县": "county", "区": "county", "县(区)": "county",
    "县（区）": "county",
    "zone": "zone", "开发区": "zone", "园区": "zone", "管委会": "zone", "开发区管委会": "zone",
    "department": "department", "市直部门": "department", "部门": "department",
    "市直单位": "department", "单位": "department",
}
UNIT_TYPE_LABELS = {"county": "县区", "zone": "开发区", "department": "市直部门"}

FILING_EVENT_ALIASES: dict[str, str] = {
    "open": "open", "开设": "open", "开通": "open", "新开": "open",
    "close": "close", "关闭": "close", "注销": "close", "关停": "close",
    "emergency_close": "emergency_close", "紧急关闭": "emergency_close", "应急关闭": "emergency_close",
    "rename": "rename", "更名": "rename", "变更名称": "rename",
    "staff_change": "staff_change", "人员变更": "staff_change", "两员变更": "staff_change",
    "人员变动": "staff_change",
}
FILING_EVENT_LABELS = {"open": "开设", "close": "关闭", "emergency_close": "紧急关闭",
                       "rename": "更名", "staff_change": "人员变更"}

INCIDENT_KIND_ALIASES: dict[str, str] = {
    "public_opinion": "public_opinion", "舆情": "public_opinion", "重大舆情": "public_opinion",
    "突发事件": "public_opinion", "舆情事件": "public_opinion",
    "inaccurate": "inaccurate", "信息不实": "inaccurate", "发布不实信息": "inaccurate",
    "错误信息": "inaccurate",
    "security": "security", "安全事件": "security", "安全事故": "security", "被盗号": "security",
    "泄密": "security", "网络安全事件": "security",
}
INCIDENT_KIND_LABELS = {"public_opinion": "重大舆情", "inaccurate": "信息不实", "security": "安全事件"}

MEDIA_KIND_ALIASES: dict[str, str] = {
    "text": "text", "文字": "text", "纯文字": "text",
    "image": "image", "图片": "image", "图文": "image",
    "chart": "chart", "图表": "chart", "图解": "chart",
    "audio": "audio", "音频": "audio",
    "video": "video", "视频": "video",
    "link": "link", "链接": "link",
}
MEDIA_KIND_LABELS = {"text": "文字", "image": "图片", "chart": "图解", "audio": "音频",
                     "video": "视频", "link": "链接"}


@dataclass(frozen=True)
class Column:
    """One canonical column: its name, kind, whether required, Chinese label and aliases."""

    name: str
    kind: str
    required: bool
    label: str
    description: str
    aliases: tuple[str, ...] = ()
    choices: dict[str, str] = field(default_factory=dict)  # canonical code -> Chinese label
    choice_aliases: dict[str, str] = field(default_factory=dict)  # spelling -> canonical code
    example: str = ""


def _c(name, kind, required, label, description, aliases=(), choices=None, choice_aliases=None,
       example=""):
    return Column(name, kind, required, label, description, tuple(aliases), choices or {},
                  choice_aliases or {}, example)


_PLATFORM = dict(choices=PLATFORM_LABELS, choice_aliases=PLATFORM_ALIASES)

TABLES: dict[str, dict[str, Column]] = {
    "accounts": {c.name: c for c in [
        _c("unit", "str", True, "单位名称", "开设账号的县区、开发区或市直部门的全称",
           ["单位", "主办单位", "责任单位", "部门", "unit_name"], example="金安区"),
        _c("unit_type", "category", True, "单位类型", "县区、开发区或市直部门",
           ["类型", "单位类别", "type"], choices=UNIT_TYPE_LABELS,
           choice_aliases=UNIT_TYPE_ALIASES, example="县区"),
        _c("platform", "category", True, "平台", "微博、微信、客户端，或抖音、快手、今日头条、视频号等其他平台",
           ["平台类型", "渠道", "账号类型"], example="微博", **_PLATFORM),
        _c("account_id", "str", True, "账号ID", "平台上的账号唯一标识（微博UID、微信原始ID、客户端包名）",
           ["账号", "账号id", "微博号", "公众号ID", "原始ID", "id"], example="1234567890"),
        _c("account_name", "str", True, "账号名称", "平台上显示的账号名称",
           ["名称", "账号昵称", "公众号名称", "微博名称", "name"], example="金安区人民政府发布"),
        _c("opened_at", "datetime", False, "开通时间", "账号开通日期",
           ["开通日期", "开设时间", "开设日期", "注册时间"], example="2016-10-08"),
        _c("filed_at", "datetime", False, "备案时间", "向市政府办公室报备账号（名称、负责人、联系方式）的日期",
           ["报备时间", "备案日期", "报备日期"], example="2016-10-10"),
        _c("closed_at", "datetime", False, "关闭时间", "账号关闭（注销）日期；仍在运营则留空",
           ["关闭日期", "注销时间", "关停时间"], example=""),
        _c("closure_filed_at", "datetime", False, "关闭报备时间", "关闭前报备并获批的日期",
           ["关闭备案时间", "注销报备时间"], example=""),
        _c("operators", "int", False, "运维人员数", "负责账号运营维护的专职或兼职人员人数",
           ["运维人数", "管理人员数", "专职人员数"], example="2"),
        _c("liaison_officer", "str", False, "联络员", "账号联络员姓名",
           ["联络员姓名"], example="张明"),
        _c("information_officer", "str", False, "信息员", "账号信息员姓名",
           ["信息员姓名"], example="李华"),
    ]},
    "posts": {c.name: c for c in [
        _c("account_id", "str", True, "账号ID", "发布账号的唯一标识（与账号登记表一致）",
           ["账号id", "账号", "微博号", "公众号ID", "uid"], example="1234567890"),
        _c("account", "str", False, "账号名称", "发布账号的名称",
           ["账号名称", "发布账号", "公众号名称", "微博名称", "用户名", "account_name"],
           example="金安区人民政府发布"),
        _c("platform", "category", True, "平台", "微博、微信、客户端，或抖音、快手、今日头条、视频号等其他平台",
           ["平台类型", "渠道"], example="微博", **_PLATFORM),
        _c("post_id", "str", True, "信息ID", "帖子、文章或客户端稿件的唯一标识",
           ["微博ID", "微博id", "文章ID", "稿件ID", "mid", "id"], example="Fog0Cl3te"),
        _c("published_at", "datetime", True, "发布时间", "发布的日期和时间",
           ["发布日期时间", "发文时间", "推送时间", "时间", "created_at"],
           example="2025-03-01 09:30"),
        _c("text", "str", False, "内容", "正文或标题；纯图片帖可为空",
           ["微博内容", "正文", "文章标题", "标题", "内容", "content"], example="今日天气晴"),
        _c("media_kind", "category", False, "形式", "文字、图片、图解、音频、视频或链接",
           ["媒体类型", "内容形式", "发布形式"], choices=MEDIA_KIND_LABELS,
           choice_aliases=MEDIA_KIND_ALIASES, example="图片"),
        _c("is_repost", "bool", False, "是否转发", "是否为转发（转载）的信息",
           ["转发", "转载", "是否转载"], example="否"),
        _c("repost_source", "str", False, "转发来源", "转发或转载的信息来源（原发账号或媒体）",
           ["来源", "信息来源", "转载来源", "原文来源"], example="六安市人民政府发布"),
        _c("repost_count", "int", False, "转发数", "被转发次数（表头只写“转发”而下面是数字时也按转发数读取）",
           ["转发量", "转发次数", "分享数", "reposts"], example="3"),
        _c("comment_count", "int", False, "评论数", "评论次数", ["评论", "评论量", "评论次数", "comments"],
           example="1"),
        _c("like_count", "int", False, "点赞数", "点赞次数", ["赞", "点赞", "点赞量", "点赞次数", "在看", "在看数",
                                                      "likes"], example="12"),
        _c("read_count", "int", False, "阅读数", "阅读次数（微信、客户端）", ["阅读", "阅读量", "阅读次数", "浏览量",
                                                                "reads"], example="560"),
        _c("device", "str", False, "设备源", "发布所用的客户端或设备", ["来自", "发布设备"],
           example="微博 weibo.com"),
    ]},
    "messages": {c.name: c for c in [
        _c("message_id", "str", True, "留言编号", "留言的唯一编号", ["留言ID", "编号", "id"],
           example="2549"),
        _c("unit", "str", False, "受理单位", "留言所针对或交办的单位（与账号登记表的单位一致）",
           ["单位", "责任单位", "办理单位", "交办单位"], example="金安区"),
        _c("account_id", "str", False, "账号ID", "收到留言的账号",
           ["账号", "账号id"], example="1234567890"),
        _c("platform", "category", False, "平台", "收到留言的平台", ["平台类型", "渠道"],
           example="微博", **_PLATFORM),
        _c("user", "str", False, "留言用户", "留言人的（匿名）标识", ["用户", "留言人", "用户ID"],
           example="U0004465"),
        _c("received_at", "datetime", True, "留言时间", "收到留言的日期和时间",
           ["留言日期", "提交时间", "来信时间"], example="2025-04-25 09:32:09"),
        _c("title", "str", False, "留言主题", "留言标题", ["主题", "标题", "留言标题"],
           example="小区物业管理有问题"),
        _c("text", "str", False, "留言详情", "留言正文", ["留言内容", "详情", "内容", "正文"],
           example="尊敬的领导：……"),
        _c("replied_at", "datetime", False, "答复时间", "答复（或说明、转办）的日期和时间；未答复留空",
           ["回复时间", "答复日期", "办结时间"], example="2025-04-28 16:00:00"),
        _c("reply_text", "str", False, "答复意见", "答复、说明或转办意见", ["回复内容", "答复内容", "回复意见"],
           example="您好，您反映的问题已转交……"),
        _c("in_scope", "bool", False, "是否属本单位职责", "属于本单位职责范围为“是”；不属于为“否”；未知留空",
           ["属本单位职责", "是否本单位职责", "职责范围内"], example="是"),
        _c("topic", "str", False, "一级标签", "已有的一级分类标签（训练分类器用）",
           ["一级分类", "标签", "分类", "label"], example="城乡建设"),
        _c("like_count", "int", False, "点赞数", "留言获得的点赞（支持）数", ["支持数", "点赞"],
           example="3"),
        _c("oppose_count", "int", False, "反对数", "留言获得的反对数", ["反对"], example="0"),
        _c("confirmed_topic", "str", False, "核定主题", "分办人员核定的一级分类（留空表示未核定；learn 用它改进模型）",
           ["核定分类", "核定一级分类", "核定标签", "confirmed topic"], example=""),
        _c("confirmed_department", "str", False, "核定承办单位", "分办人员核定的承办单位（只填单位时按路由表反查主题）",
           ["核定单位", "核定承办部门", "核定办理单位", "confirmed department"], example=""),
        _c("return_reason", "str", False, "退回原因", "承办单位以“不属于本单位”等理由退回时填写",
           ["退回理由", "退回说明", "退办原因", "return reason"], example=""),
        _c("confirmed_at", "datetime", False, "核定日期", "核定或退回的日期（留空按导入当天计）",
           ["核定时间", "退回日期", "confirmed at"], example=""),
    ]},
    "filings": {c.name: c for c in [
        _c("unit", "str", True, "单位名称", "报备单位", ["单位", "报备单位"], example="金安区"),
        _c("account_id", "str", False, "账号ID", "所涉账号；人员变更可不填", ["账号", "账号id"],
           example="1234567890"),
        _c("event", "category", True, "报备事项", "开设、关闭、紧急关闭、更名或人员变更",
           ["事项", "备案事项", "变更事项", "事件"], choices=FILING_EVENT_LABELS,
           choice_aliases=FILING_EVENT_ALIASES, example="开设"),
        _c("event_date", "datetime", True, "生效日期", "开设、关闭、更名或人员变更发生（生效）的日期",
           ["变更日期", "事项日期", "生效时间", "发生日期"], example="2025-03-01"),
        _c("filed_at", "datetime", True, "报备时间", "提交报备的日期", ["报备日期", "备案时间", "提交时间"],
           example="2025-03-03"),
        _c("approved_at", "datetime", False, "批准时间", "报备获批的日期", ["审批时间", "批准日期"],
           example="2025-03-04"),
    ]},
    "releases": {c.name: c for c in [
        _c("release_id", "str", True, "信息编号", "需转发的重要信息的编号", ["编号", "id"], example="R001"),
        _c("issuing_account", "str", True, "发布账号", "首发的市、省级账号名称",
           ["首发账号", "发布单位", "来源"], example="六安市人民政府发布"),
        _c("published_at", "datetime", True, "发布时间", "首发时间", ["首发时间", "发布日期"],
           example="2025-05-06 10:00"),
        _c("title", "str", True, "标题", "信息标题", ["信息标题", "主题"], example="六安市2025年政府工作报告"),
        _c("text", "str", False, "内容", "信息正文或摘要", ["正文", "摘要"], example=""),
    ]},
    "incidents": {c.name: c for c in [
        _c("incident_id", "str", False, "事件编号", "事件编号", ["编号", "id"], example="E001"),
        _c("unit", "str", True, "涉事单位", "事件涉及的单位", ["单位", "责任单位"], example="霍山县"),
        _c("account_id", "str", False, "账号ID", "涉事账号（信息不实、安全事件时填写）", ["账号", "账号id"],
           example=""),
        _c("kind", "category", True, "事件类型", "重大舆情、信息不实或安全事件", ["类型", "事件类别"],
           choices=INCIDENT_KIND_LABELS, choice_aliases=INCIDENT_KIND_ALIASES, example="重大舆情"),
        _c("started_at", "datetime", True, "开始时间", "事件开始时间", ["发生时间", "开始日期"],
           example="2025-07-12 08:00"),
        _c("ended_at", "datetime", False, "结束时间", "事件结束时间", ["结束日期"], example="2025-07-14 18:00"),
        _c("description", "str", False, "事件描述", "事件简述", ["描述", "概要", "说明"],
           example="强降雨致道路积水"),
    ]},
}

#: Columns of the quarantine table (every unusable input row, with its reason).
QUARANTINE_COLUMNS = ["table", "file", "sheet", "line", "column", "value", "reason"]
#: Columns of the load report (one row per input file, or per sheet of a workbook).
LOAD_REPORT_COLUMNS = ["table", "file", "sheet", "rows_read", "rows_clean", "rows_quarantined",
                       "duplicates_removed"]

TABLE_LABELS = {"accounts": "账号登记表", "posts": "发布信息", "messages": "网民留言",
                "filings": "备案记录", "releases": "重要信息转发清单", "incidents": "事件记录"}


def column_names(table: str) -> list[str]:
    """Canonical column names of ``table`` in contract order.

    Examples
    --------
    >>> column_names("incidents")
    ['incident_id', 'unit', 'account_id', 'kind', 'started_at', 'ended_at', 'description']
    """
    return list(TABLES[table])


def required_columns(table: str) -> list[str]:
    """Names of the columns ``table`` cannot be loaded without.

    Examples
    --------
    >>> required_columns("releases")
    ['release_id', 'issuing_account', 'published_at', 'title']
    """
    return [c.name for c in TABLES[table].values() if c.required]
