"""The sample generator: a year of Lu'an's government new media, with planted problems.

``generate_sample`` builds, for Lu'an's real counties and districts, its development zones and
some 30 city departments, an account registry (Weibo, WeChat, app per unit), a year of posts
with weekly and holiday rhythms, public messages written from per-topic phrase banks with
replies, filings, key releases with their reposts, and public-opinion incidents.

The background is *compliant*: every account is clean on every criterion. Known violations
are then planted, one plant function per criterion (``PLANTS``), each returning the truth
rows it planted; and dirty input rows of every kind the readers handle are added to the
files. Both are written to ``truth.json``::

    {"findings": [{"criterion": "C15", "unit": "...", "account_id": "..."}, ...],
     "dirty_rows": {"quarantine": [{"table", "file", "line", "reason"}, ...],
                    "duplicates": {"posts": n, ...}, "pii": {...}, "cleaned": {...}}}

Files written (mixed formats and header languages on purpose, as offices have them):
``accounts.xlsx``, ``posts_weibo.csv`` (GB18030, Chinese headers), ``posts_wechat.csv``
(UTF-8, English headers), ``posts_app.parquet`` (epoch milliseconds), ``posts_video.csv`` (抖音 and
快手, UTF-8 with BOM, Chinese headers), ``messages.csv``
(UTF-8 with BOM, Chinese headers), ``filings.xlsx``, ``releases.csv``, ``incidents.csv``,
plus ``truth.json`` and ``labels.csv`` (message topic and sentiment; not an input table).

Examples
--------
>>> from liuan_eval.sample_data import generate_sample
>>> s = generate_sample(year=2025, seed=1, scale=0.1)
>>> sorted(s.tables)
['accounts', 'filings', 'incidents', 'messages', 'posts', 'releases']
>>> bool((s.tables["accounts"]["unit"] == "金安区").any())
True
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from liuan_eval.sample_content import plant_c20_content
from liuan_eval.schemas import PLATFORM_LABELS, TIMEZONE, column_names
from liuan_eval.workdays import add_workdays, deadline_end, is_workday, same_day_deadline, workdays_between

COUNTIES = ["金安区", "裕安区", "叶集区", "霍邱县", "舒城县", "金寨县", "霍山县"]
ZONES = ["六安经济技术开发区", "六安高新技术产业开发区"]
# city departments and the first-level message topic each one answers for
DEPARTMENTS: dict[str, str] = {
    "六安市发展和改革委员会": "经济管理", "六安市教育局": "教育文体", "六安市科学技术局": "科技与信息产业",
    "六安市经济和信息化局": "科技与信息产业", "六安市公安局": "政法", "六安市民政局": "民政",
    "六安市司法局": "政法", "六安市财政局": "经济管理", "六安市人力资源和社会保障局": "劳动和社会保障",
    "六安市自然资源和规划局": "国土资源", "六安市生态环境局": "环境保护", "六安市住房和城乡建设局": "城乡建设",
    "六安市交通运输局": "交通运输", "六安市水利局": "农村农业", "六安市农业农村局": "农村农业",
    "六安市商务局": "商贸旅游", "六安市文化和旅游局": "商贸旅游", "六安市卫生健康委员会": "卫生计生",
    "六安市退役军人事务局": "民政", "六安市应急管理局": "城乡建设", "六安市审计局": "纪检监察",
    "六安市市场监督管理局": "商贸旅游", "六安市统计局": "经济管理", "六安市医疗保障局": "卫生计生",
    "六安市林业局": "农村农业", "六安市城市管理局": "城乡建设", "六安市数据资源管理局": "科技与信息产业",
    "六安市信访局": "党务政务", "六安市人民政府办公室": "党务政务", "六安市监察委员会": "纪检监察",
}
TOWNS: dict[str, list[str]] = {
    "金安区": ["三十铺镇", "东桥镇", "清水河街道", "望城街道"],
    "裕安区": ["小华山街道", "苏埠镇", "平桥乡", "西市街道"],
    "叶集区": ["史河街道", "三元镇", "孙岗乡"],
    "霍邱县": ["城关镇", "众兴集镇", "新店镇", "姚李镇"],
    "舒城县": ["城关镇", "杭埠镇", "千人桥镇", "南港镇"],
    "金寨县": ["梅山镇", "天堂寨镇", "汤家汇镇", "青山镇"],
    "霍山县": ["衡山镇", "佛子岭镇", "与儿街镇", "下符桥镇"],
    "六安经济技术开发区": ["新安镇", "三十铺产业园"],
    "六安高新技术产业开发区": ["高新区创业园", "城南产业园"],
}
SANCTIONED_SOURCES = ["中国政府网", "安徽省人民政府发布", "六安市人民政府发布", "人民日报",
                      "安徽日报", "皖西日报"]
RELEASE_ISSUERS = ["六安市人民政府发布", "安徽省人民政府发布"]

# --- phrase banks for public messages, one per first-level topic of the real taxonomy --------
TOPIC_BANK: dict[str, dict[str, list[str]]] = {
    "城乡建设": {"subject": ["小区物业", "老旧小区改造", "小区电梯", "路灯", "下水道", "违章搭建", "小区停车位", "供水管网"],
             "issue": ["长期损坏无人维修", "乱收费", "施工噪音扰民到深夜", "拖了一年还没完工", "堵塞污水外溢"],
             "question": ["什么时候开始改造", "收费标准是怎么定的", "归哪个部门管理"]},
    "农村农业": {"subject": ["土地流转", "农田水利", "种粮补贴", "茶园", "农村饮水", "村道硬化", "生猪养殖场"],
             "issue": ["补贴迟迟没有发放", "水渠年久失修无法灌溉", "流转费被拖欠", "养殖场臭气熏天"],
             "question": ["补贴标准是多少", "如何申请", "今年还有没有项目"]},
    "政法": {"subject": ["电信诈骗", "治安巡逻", "户口迁移", "身份证补办", "交通违法处理", "法律援助"],
           "issue": ["报案后一直没有结果", "办理窗口推诿", "夜里经常有人聚众闹事", "材料被反复退回"],
           "question": ["需要带哪些材料", "在哪里办理", "多久可以办好"]},
    "教育文体": {"subject": ["学校划片", "校车", "课后服务", "幼儿园收费", "教师招聘", "全民健身场地", "图书馆开放时间"],
             "issue": ["划片不合理孩子上学太远", "收费过高", "学校周边交通拥堵存在安全隐患", "体育场馆长期不开放"],
             "question": ["招生报名什么时候开始", "划片范围怎么查询", "收费标准是否公开"]},
    "劳动和社会保障": {"subject": ["养老保险", "拖欠工资", "失业金", "社保卡", "退休待遇", "职业技能培训"],
                "issue": ["工地老板拖欠农民工工资半年", "养老金没有按时到账", "社保转移办理困难", "培训补贴一直没发"],
                "question": ["缴费年限怎么计算", "补缴政策是什么", "领取条件有哪些"]},
    "民政": {"subject": ["低保", "养老院", "残疾人补贴", "婚姻登记", "高龄津贴", "退役军人优待"],
           "issue": ["低保评定不公平", "补贴被取消没有说明", "养老院条件太差", "津贴拖欠"],
           "question": ["申请条件是什么", "到哪里登记", "多久审核完成"]},
    "党务政务": {"subject": ["政务服务大厅", "12345热线", "办事窗口", "政府信息公开", "村务公开", "一网通办"],
             "issue": ["窗口工作人员态度恶劣", "热线打不通", "办事要跑好几趟", "村务长期不公开"],
             "question": ["周末是否办公", "网上如何办理", "需要预约吗"]},
    "经济管理": {"subject": ["企业贷款贴息", "招商引资项目", "营商环境", "物价", "统计调查", "政府债务"],
             "issue": ["承诺的扶持资金没有兑现", "审批时间太长", "项目烂尾多年", "物价上涨过快"],
             "question": ["扶持政策如何申报", "项目进展如何", "申报截止时间是哪天"]},
    "卫生计生": {"subject": ["医院挂号", "医保报销", "疫苗接种", "乡镇卫生院", "家庭医生签约", "药品价格"],
             "issue": ["挂号难排队时间太长", "报销比例和宣传的不一致", "卫生院缺医少药", "医生态度冷漠"],
             "question": ["异地就医怎么报销", "在哪里接种", "签约有什么好处"]},
    "商贸旅游": {"subject": ["景区门票", "农贸市场", "食品安全", "预付卡消费", "旅游服务", "商场促销"],
             "issue": ["景区乱收费", "市场卖过期食品", "健身房收了预付费就跑路", "导游强制购物"],
             "question": ["景区开放时间是多少", "投诉渠道有哪些", "免票政策怎么申请"]},
    "环境保护": {"subject": ["工厂废气", "河道污染", "噪音污染", "垃圾焚烧", "建筑扬尘", "秸秆焚烧"],
             "issue": ["夜间偷排废水河水发黑发臭", "废气刺鼻无法开窗", "扬尘严重影响生活", "噪音扰民无法入睡"],
             "question": ["监测数据在哪里公开", "环评结果如何", "如何举报"]},
    "交通运输": {"subject": ["公交线路", "道路修缮", "出租车", "客运班车", "红绿灯设置", "高速出口"],
             "issue": ["公交班次太少等车一小时", "道路坑洼多次发生事故", "出租车拒载绕路", "班车超载"],
             "question": ["能否增开线路", "什么时候修好", "首末班时间是多少"]},
    "纪检监察": {"subject": ["村干部", "工程招标", "公款吃喝", "扶贫资金", "公车私用"],
             "issue": ["村干部优亲厚友", "招标暗箱操作", "扶贫资金被截留", "公车周末接送家属"],
             "question": ["如何实名举报", "处理结果会公开吗", "举报人信息是否保密"]},
    "国土资源": {"subject": ["宅基地审批", "土地征收补偿", "不动产登记", "矿山开采", "耕地占用"],
             "issue": ["征地补偿款迟迟不到位", "不动产证办了半年还没下来", "非法采砂破坏河道", "耕地被违规占用"],
             "question": ["办理流程是什么", "补偿标准是多少", "需要哪些材料"]},
    "科技与信息产业": {"subject": ["宽带网络", "手机信号", "政务APP", "科技项目申报", "5G基站", "高新技术企业认定"],
                "issue": ["农村宽带经常断网", "手机信号差打不通电话", "政务APP闪退无法登录", "项目资金迟迟不拨付"],
                "question": ["申报条件是什么", "什么时候覆盖", "如何认定"]},
}
TOPICS = list(TOPIC_BANK)
NEG_OPEN = ["尊敬的领导：", "领导您好，", "我要投诉：", "", "强烈反映："]
NEG_CLOSE = ["恳请有关部门尽快解决！", "多次反映无果，希望领导重视！", "老百姓实在没办法了，请给个说法。",
             "希望尽快处理。"]
NEU_OPEN = ["您好，", "请问", "咨询一下，", "你好，"]
POS_TEXT = ["感谢{subject}工作人员的耐心服务，问题很快就解决了，为你们点赞！",
            "{subject}的工作做得很好，群众很满意，谢谢政府！",
            "表扬一下{subject}，办事效率高，态度热情。"]
POST_PHRASES = ["召开专题会议部署重点工作", "开展安全生产大检查", "发布最新政策解读", "举办便民服务活动",
                "公布重点项目建设进展", "发布天气预警和出行提示", "开展文明创建志愿服务", "推进营商环境优化",
                "召开新闻发布会", "公示拟表彰名单", "发布招聘公告", "开展环境整治行动", "解读惠民政策",
                "发布办事指南", "推送防汛抗旱提示", "开展政务公开日活动", "发布民生实事进展", "介绍乡村振兴成效"]
POST_TAGS = ["政务动态", "政策解读", "图解", "便民服务", "通知公告", "民生关注", "权威发布", "一图读懂"]
SURNAMES = list("王李张刘陈杨黄赵周吴徐孙马朱胡郭何林高罗")
GIVEN = list("明华军伟芳丽强磊洋勇艳杰娟涛超秀英霞平刚")

_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_ID_CHECK = np.array(list("10X98765432"))


@dataclass
class Sample:
    """A generated sample: canonical tables, the truth file and the message labels.

    Attributes
    ----------
    tables : dict of str to pandas.DataFrame
        The six canonical tables as generated (clean, before dirty rows were added).
    truth : dict
        ``{"findings": [...], "dirty_rows": {...}}`` as written to ``truth.json``.
    labels : pandas.DataFrame
        ``message_id, topic, sentiment`` for every generated message.
    files : dict of str to pathlib.Path
        The files written (empty when ``out`` was not given).
    """

    tables: dict[str, pd.DataFrame]
    truth: dict
    labels: pd.DataFrame
    files: dict[str, Path] = field(default_factory=dict)


@dataclass
class World:
    """The generator's working state, handed to each plant function."""

    year: int
    rng: np.random.Generator
    accounts: pd.DataFrame
    posts: pd.DataFrame
    messages: pd.DataFrame
    filings: pd.DataFrame
    releases: pd.DataFrame
    incidents: pd.DataFrame
    labels: pd.DataFrame
    findings: list[dict] = field(default_factory=list)
    used_accounts: set = field(default_factory=set)  # changed by a plant: not picked by another
    used_units: set = field(default_factory=set)
    removed_units: set = field(default_factory=set)
    quiet_units: set = field(default_factory=set)  # C16: no post may be added near their incidents
    suspects: list[dict] = field(default_factory=list)  # C20: content plants, suspects until confirmed

    @property
    def start(self) -> pd.Timestamp:
        return pd.Timestamp(f"{self.year}-01-01", tz=TIMEZONE)

    @property
    def end(self) -> pd.Timestamp:
        """The exclusive end of the period (1 January of the next year, 00:00)."""
        return pd.Timestamp(f"{self.year + 1}-01-01", tz=TIMEZONE)

    def plant(self, criterion: str, unit: str, account_id: str | None = None) -> None:
        """Record one planted finding in the truth file (once)."""
        row = {"criterion": criterion, "unit": unit, "account_id": account_id}
        if row not in self.findings:
            self.findings.append(row)


# ------------------------------------------------------------------------------------------
def _units(scale: float) -> pd.DataFrame:
    n_dep = max(4, round(len(DEPARTMENTS) * min(scale, 1.0)))
    deps = list(DEPARTMENTS)[:n_dep]
    rows = ([(u, "county") for u in COUNTIES] + [(u, "zone") for u in ZONES]
            + [(u, "department") for u in deps])
    return pd.DataFrame(rows, columns=["unit", "unit_type"])


def account_name(unit: str, unit_type: str, platform: str) -> str:
    """The compliant account name of the notice's 二(二) for a unit and platform.

    Examples
    --------
    >>> account_name("金安区", "county", "weibo")
    '金安区人民政府发布'
    >>> account_name("六安市教育局", "department", "app")
    '六安市教育局'
    """
    base = f"{unit}人民政府" if unit_type == "county" else unit
    return base if platform == "app" else f"{base}发布"


def _names(rng: np.random.Generator, n: int) -> np.ndarray:
    s = rng.choice(SURNAMES, n)
    g1 = rng.choice(GIVEN, n)
    g2 = np.where(rng.random(n) < 0.6, rng.choice(GIVEN, n), "")
    return np.char.add(np.char.add(s, g1), g2)


def _daytable(year: int) -> pd.DataFrame:
    days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D", tz=TIMEZONE)
    work = np.asarray(is_workday(pd.Series(days)), dtype=bool)
    return pd.DataFrame({"day": days, "workday": work})


def _accounts(units: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    platforms = np.array(["weibo", "wechat", "app"])
    acc = units.loc[units.index.repeat(3)].reset_index(drop=True)
    acc["platform"] = np.tile(platforms, len(units))
    prefix = acc["platform"].map({"weibo": "WB", "wechat": "WX", "app": "APP"})
    acc["account_id"] = prefix + pd.Series(rng.choice(9_000_000, len(acc), replace=False) + 1_000_000,
                                           dtype="int64").astype(str)
    acc["account_name"] = [account_name(u, t, p) for u, t, p in
                           zip(acc["unit"], acc["unit_type"], acc["platform"])]
    opened = pd.Timestamp("2016-10-08", tz=TIMEZONE) + pd.to_timedelta(rng.integers(0, 70, len(acc)), "D")
    acc["opened_at"] = opened
    return acc


def _background(year: int, seed: int, scale: float) -> World:
    rng = np.random.default_rng(seed)
    units = _units(scale)
    acc = _accounts(units, rng)
    n = len(acc)
    # filing of the opening: 0-3 working days after it, approved the next working day
    k = rng.integers(0, 4, n)
    acc["filed_at"] = add_workdays(acc["opened_at"], k) + pd.to_timedelta(rng.integers(9, 17, n), "h")
    acc["closed_at"] = pd.Series(pd.NaT, index=acc.index, dtype=f"datetime64[ns, {TIMEZONE}]")
    acc["closure_filed_at"] = pd.Series(pd.NaT, index=acc.index, dtype=f"datetime64[ns, {TIMEZONE}]")
    acc["operators"] = pd.array(rng.integers(1, 4, n), dtype="Int64")
    acc["liaison_officer"] = _names(rng, n)
    acc["information_officer"] = _names(rng, n)

    days = _daytable(year)
    posts = _posts(acc, days, rng, scale)
    world = World(year=year, rng=rng, accounts=acc, posts=posts,
                  messages=pd.DataFrame(), filings=pd.DataFrame(), releases=pd.DataFrame(),
                  incidents=pd.DataFrame(), labels=pd.DataFrame())
    world.filings = _filings(world, k)
    world.releases = _releases(world)
    world.posts = pd.concat([world.posts, _release_reposts(world)], ignore_index=True)
    world.messages, world.labels = _messages(world, days, scale)
    world.incidents = _incidents(world)
    return world


def _posts(acc: pd.DataFrame, days: pd.DataFrame, rng: np.random.Generator, scale: float) -> pd.DataFrame:
    n_acc, n_day = len(acc), len(days)
    rate = acc["platform"].map({"weibo": 1.6, "wechat": 0.9, "app": 1.1}).fillna(0.8).to_numpy(dtype="float64")
    rate = rate * max(scale, 0.15) ** 0.5
    factor = np.where(days["workday"].to_numpy(), 1.15, 0.45)
    counts = rng.poisson(rate[:, None] * factor[None, :])
    # a compliant account never goes more than 5 days without a post
    offset = rng.integers(0, 5, n_acc)
    forced = (np.arange(n_day)[None, :] % 5) == offset[:, None]
    counts = np.where(forced & (counts == 0), 1, counts)
    ai, di = np.nonzero(counts)
    reps = counts[ai, di]
    ai, di = np.repeat(ai, reps), np.repeat(di, reps)
    m = len(ai)
    minutes = rng.integers(7 * 60, 22 * 60, m)
    published = pd.DatetimeIndex(days["day"])[di] + pd.to_timedelta(minutes, "m")
    tag = rng.choice(POST_TAGS, m)
    phrase = rng.choice(POST_PHRASES, m)
    unit = acc["unit"].to_numpy()[ai]
    text = np.char.add(np.char.add(np.char.add(np.char.add("【", tag), "】"), unit.astype(str)), phrase)
    platform = acc["platform"].to_numpy()[ai]
    media = rng.choice(["image", "chart", "video", "link", "audio", "text"], m,
                       p=[0.45, 0.1, 0.12, 0.08, 0.03, 0.22])
    # sanctioned reposts that name their source
    is_repost = rng.random(m) < 0.08
    source = np.where(is_repost, rng.choice(SANCTIONED_SOURCES, m), None)
    text = np.where(is_repost, np.char.add(np.char.add(text, "（来源："), source.astype(str)), text)
    text = np.where(is_repost, np.char.add(text, "）"), text)
    reads = np.where(platform == "weibo", pd.NA, rng.lognormal(6.0, 1.1, m).round())
    posts = pd.DataFrame({
        "account_id": acc["account_id"].to_numpy()[ai],
        "account": acc["account_name"].to_numpy()[ai],
        "platform": platform,
        "post_id": pd.Series(rng.choice(10**9, m, replace=False) + 10**9, dtype="int64").astype(str),
        "published_at": published,
        "text": text,
        "media_kind": media,
        "is_repost": pd.array(is_repost, dtype="boolean"),
        "repost_source": pd.array(source, dtype="str"),
        "repost_count": pd.array(rng.poisson(3, m), dtype="Int64"),
        "comment_count": pd.array(rng.poisson(2, m), dtype="Int64"),
        "like_count": pd.array(rng.poisson(8, m), dtype="Int64"),
        "read_count": pd.array(reads, dtype="Int64"),
        "device": np.where(platform == "weibo", "微博 weibo.com", pd.NA),
    })
    prefix = pd.Series(platform).map({"weibo": "W", "wechat": "X", "app": "A"}).fillna("V")
    posts["post_id"] = prefix.to_numpy() + posts["post_id"]
    return posts.sort_values(["published_at", "post_id"], ignore_index=True)


def _filings(world: World, k: np.ndarray) -> pd.DataFrame:
    acc, rng, year = world.accounts, world.rng, world.year
    opened = pd.DataFrame({"unit": acc["unit"], "account_id": acc["account_id"], "event": "open",
                           "event_date": acc["opened_at"].dt.normalize(), "filed_at": acc["filed_at"]})
    # staff changes during the year, filed within 3 working days
    pick = rng.choice(len(acc), size=max(3, len(acc) // 10), replace=False)
    days = pd.Series(pd.Timestamp(f"{year}-02-01", tz=TIMEZONE)
                     + pd.to_timedelta(rng.integers(0, 300, len(pick)), "D"))
    staff = pd.DataFrame({"unit": acc["unit"].to_numpy()[pick], "account_id": acc["account_id"].to_numpy()[pick],
                          "event": "staff_change", "event_date": days})
    staff["filed_at"] = (add_workdays(staff["event_date"], rng.integers(0, 4, len(staff)))
                         + pd.to_timedelta(10, "h"))
    f = pd.concat([opened, staff], ignore_index=True)
    f["approved_at"] = f["filed_at"] + pd.Timedelta(days=1)
    return f.sort_values(["event_date", "unit"], ignore_index=True)


def _releases(world: World) -> pd.DataFrame:
    rng, year = world.rng, world.year
    titles = [f"六安市{year}年政府工作报告全文发布", f"{year}年六安市民生实事项目清单公布",
              "关于做好防汛抗旱工作的紧急通知", "六安市优化营商环境若干措施出台",
              "全市重点项目集中开工", f"{year}年高考期间交通管制公告", "六安市城乡居民医保缴费开始",
              "关于进一步做好就业创业工作的实施意见", "六安市秋冬季大气污染防治方案",
              "省政府新闻发布会：惠企政策解读", "六安市全面推行“一网通办”", "春节期间安全生产提示"]
    work = _daytable(year)
    work = work[work["workday"]]["day"].to_numpy()
    days = np.sort(rng.choice(work[5:-10], len(titles), replace=False))
    hours = rng.integers(9, 15, len(titles))
    return pd.DataFrame({
        "release_id": [f"R{year}{i + 1:03d}" for i in range(len(titles))],
        "issuing_account": rng.choice(RELEASE_ISSUERS, len(titles), p=[0.7, 0.3]),
        "published_at": pd.DatetimeIndex(days) + pd.to_timedelta(hours, "h"),
        "title": titles,
        "text": [f"{t}。详情请见官方网站。" for t in titles],
    })


REPOST_TEMPLATES = ["【转发】{title}", "#{title}# 转发", "转：{title}（来源：{issuer}）", "【重要】{title}，请转发周知"]


def _release_reposts(world: World) -> pd.DataFrame:
    """Every account reposts every key release in time (Weibo/app ≤ 1 h, WeChat ≤ 1 working day)."""
    acc, rel, rng = world.accounts, world.releases, world.rng
    grid = acc[["account_id", "account_name", "platform"]].merge(
        rel[["release_id", "issuing_account", "published_at", "title"]], how="cross")
    m = len(grid)
    delay = np.where(grid["platform"] == "wechat", rng.integers(30, 300, m), rng.integers(3, 55, m))
    tmpl = rng.integers(0, len(REPOST_TEMPLATES), m)
    text = [REPOST_TEMPLATES[t].format(title=ti, issuer=iss)
            for t, ti, iss in zip(tmpl, grid["title"], grid["issuing_account"])]
    out = pd.DataFrame({
        "account_id": grid["account_id"], "account": grid["account_name"], "platform": grid["platform"],
        "post_id": "RP" + grid["release_id"] + "_" + grid["account_id"],
        "published_at": grid["published_at"] + pd.to_timedelta(delay, "m"),
        "text": text, "media_kind": "link",
        "is_repost": pd.array(np.ones(m, bool), dtype="boolean"),
        "repost_source": pd.array(grid["issuing_account"], dtype="str"),
        "repost_count": pd.array(rng.poisson(5, m), dtype="Int64"),
        "comment_count": pd.array(rng.poisson(1, m), dtype="Int64"),
        "like_count": pd.array(rng.poisson(10, m), dtype="Int64"),
        "read_count": pd.array(np.where(grid["platform"] == "weibo", pd.NA, rng.integers(200, 3000, m)),
                               dtype="Int64"),
        "device": np.where(grid["platform"] == "weibo", "微博 weibo.com", pd.NA),
    })
    return out


def _id_number(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` 18-digit ID numbers of Lu'an (3415xx) with a valid check digit."""
    area = rng.choice(["341502", "341503", "341504", "341522", "341523", "341524", "341525"], n)
    birth = (pd.Timestamp("1950-01-01") + pd.to_timedelta(rng.integers(0, 20000, n), "D")).strftime("%Y%m%d")
    seq = np.char.zfill(rng.integers(0, 1000, n).astype(str), 3)
    body = np.char.add(np.char.add(area, np.asarray(birth, dtype=str)), seq)
    digits = np.array([list(b) for b in body], dtype=int)
    check = _ID_CHECK[(digits * _ID_WEIGHTS).sum(axis=1) % 11]
    return np.char.add(body, check)


def _messages(world: World, days: pd.DataFrame, scale: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng, acc, year = world.rng, world.accounts, world.year
    n = int(2400 * max(scale, 0.1))
    # who receives: any account; county/zone messages on any topic, departments mostly their own
    ai = rng.integers(0, len(acc), n)
    unit = acc["unit"].to_numpy()[ai]
    utype = acc["unit_type"].to_numpy()[ai]
    own = pd.Series(unit).map(DEPARTMENTS).to_numpy()
    topic = np.where((utype == "department") & (rng.random(n) < 0.85), own, rng.choice(TOPICS, n))
    sentiment = rng.choice(["negative", "neutral", "positive"], n, p=[0.5, 0.38, 0.12])
    # received: any day up to 10 December, fewer at weekends
    last = days[days["day"] <= pd.Timestamp(f"{year}-12-10", tz=TIMEZONE)]
    w = np.where(last["workday"], 1.0, 0.4)
    di = rng.choice(len(last), n, p=w / w.sum())
    received = pd.Series(pd.DatetimeIndex(last["day"])[di] + pd.to_timedelta(rng.integers(6 * 60, 23 * 60, n), "m"))
    place_unit = np.where(np.isin(utype, ["county", "zone"]), unit, rng.choice(COUNTIES, n))
    town = np.array([rng.choice(TOWNS[u]) for u in place_unit])
    subj = np.array([rng.choice(TOPIC_BANK[t]["subject"]) for t in topic])
    issue = np.array([rng.choice(TOPIC_BANK[t]["issue"]) for t in topic])
    quest = np.array([rng.choice(TOPIC_BANK[t]["question"]) for t in topic])
    place = np.char.add(place_unit.astype(str), town)
    neg_title = np.char.add(np.char.add(place, subj), issue)
    neu_title = np.char.add(np.char.add("咨询", subj), quest)
    pos_title = np.char.add(np.char.add("感谢", place), np.char.add(subj, "工作"))
    title = np.select([sentiment == "negative", sentiment == "neutral"], [neg_title, neu_title], pos_title)
    years = rng.integers(1, 6, n).astype(str)
    neg_text = [f"{o}我是{p}的居民，{s}{i}，已经{y}个月了，{c}" for o, p, s, i, y, c in
                zip(rng.choice(NEG_OPEN, n), place, subj, issue, years, rng.choice(NEG_CLOSE, n))]
    neu_text = [f"{o}{s}{q}？我家住在{p}，麻烦告知，谢谢。" for o, s, q, p in
                zip(rng.choice(NEU_OPEN, n), subj, quest, place)]
    pos_text = [POS_TEXT[j].format(subject=f"{p}{s}") for j, p, s in
                zip(rng.integers(0, len(POS_TEXT), n), place, subj)]
    text = np.select([sentiment == "negative", sentiment == "neutral"],
                     [np.array(neg_text), np.array(neu_text)], np.array(pos_text))
    # citizens' contact details written into some messages (to be masked by cleaning)
    k = rng.random(n)
    phone = np.char.add("1", np.char.add(rng.choice(list("3456789"), n),
                                         np.char.zfill(rng.integers(0, 10**9, n).astype(str), 9)))
    contact = np.select(
        [k < 0.10, k < 0.15, k < 0.18, k < 0.20],
        [np.char.add("我的电话", phone), np.char.add("身份证号", _id_number(rng, n)),
         np.char.add("邮箱", np.char.add(np.char.zfill(rng.integers(0, 10**6, n).astype(str), 6), "@qq.com")),
         np.char.add("车牌皖N", np.char.zfill(rng.integers(0, 10**5, n).astype(str), 5))], "")
    text = np.char.add(text, np.where(contact == "", "", np.char.add("。", contact)))
    in_scope = (utype != "department") | (topic == own) | (rng.random(n) < 0.5)
    in_scope = in_scope & (rng.random(n) > 0.08)
    # replies: in scope within 0-4 working days, out of scope the same (working) day
    k_wd = rng.integers(0, 5, n)
    day_in = received.dt.normalize()
    reply_day = add_workdays(day_in, k_wd)
    same_day = same_day_deadline(received) - pd.Timedelta(days=1)  # the day the explanation is due
    reply_day = reply_day.where(pd.Series(in_scope), same_day)
    hour = pd.to_timedelta(rng.integers(8 * 60, 18 * 60, n), "m")
    replied = reply_day + hour
    # never before the message itself
    replied = replied.where(replied > received, received + pd.Timedelta(minutes=30))
    replied = replied.where(replied < reply_day + pd.Timedelta(days=1),
                            reply_day + pd.Timedelta(hours=23, minutes=50))
    dept = np.where(utype == "department", unit, np.char.add(unit.astype(str), "相关部门"))
    action = rng.choice(["已安排工作人员现场核查并完成整改", "已责成责任单位限期处理", "已纳入年度计划并启动实施",
                         "已联系您本人说明办理进度"], n)
    when = (replied + pd.to_timedelta(rng.integers(3, 30, n), "D")).dt.strftime("%m月%d日").to_numpy()
    reply_in = [f"您好！您反映的“{t}”问题，经{d}核实，{a}，预计{w}前办结，办理结果将另行告知。感谢您的监督。"
                for t, d, a, w in zip(title, dept, action, when)]
    right = np.array([next((d for d, tp in DEPARTMENTS.items() if tp == t), "六安市人民政府办公室")
                      for t in topic])
    reply_out = [f"您好！您反映的“{t}”问题不属于本单位职责范围，请向{r}反映（也可拨打12345政务服务热线），"
                 "我们已同时将留言转交该单位。" for t, r in zip(title, right)]
    reply = np.where(in_scope, np.array(reply_in), np.array(reply_out))
    messages = pd.DataFrame({
        "message_id": [f"M{year}{i + 1:06d}" for i in range(n)],
        "unit": unit, "account_id": acc["account_id"].to_numpy()[ai],
        "platform": acc["platform"].to_numpy()[ai],
        "user": np.char.add("U", np.char.zfill(rng.choice(10**7, n, replace=False).astype(str), 7)),
        "received_at": received, "title": title, "text": text,
        "replied_at": replied, "reply_text": reply,
        "in_scope": pd.array(in_scope, dtype="boolean"),
        "topic": pd.array([None] * n, dtype="str"),
        "like_count": pd.array(rng.poisson(2, n), dtype="Int64"),
        "oppose_count": pd.array(rng.poisson(0.3, n), dtype="Int64"),
    })
    labels = pd.DataFrame({"message_id": messages["message_id"], "topic": topic, "sentiment": sentiment})
    messages, labels = _hot_issues(world, messages, labels)
    return messages.sort_values("received_at", ignore_index=True), labels


def _hot_issues(world: World, messages: pd.DataFrame, labels: pd.DataFrame):
    """Add clusters of near-identical complaints from different people (hot issues)."""
    rng = world.rng
    rows, labs = [], []
    for c in range(3):
        topic = TOPICS[int(rng.integers(0, len(TOPICS)))]
        county = COUNTIES[c % len(COUNTIES)]
        town = rng.choice(TOWNS[county])
        subj, issue = rng.choice(TOPIC_BANK[topic]["subject"]), rng.choice(TOPIC_BANK[topic]["issue"])
        acc = world.accounts[(world.accounts["unit"] == county) & (world.accounts["platform"] == "weibo")].iloc[0]
        start = world.start + pd.Timedelta(days=int(rng.integers(30, 300)))
        size = int(rng.integers(8, 16))
        for j in range(size):
            rec = start + pd.Timedelta(hours=int(rng.integers(0, 24 * 10)))
            mid = f"H{world.year}{c}{j:03d}"
            rows.append({"message_id": mid, "unit": county, "account_id": acc["account_id"],
                         "platform": "weibo", "user": f"V{c}{j:05d}", "received_at": rec,
                         "title": f"{county}{town}{subj}{issue}" + ("" if j % 3 else "，急！"),
                         "text": f"{town}{subj}{issue}，{rng.choice(NEG_CLOSE)}",
                         "replied_at": rec + pd.Timedelta(days=1, hours=2) if rec.weekday() < 3 else
                         rec + pd.Timedelta(hours=1),
                         "reply_text": f"您好！您反映的{town}{subj}问题，经{county}有关部门核实，已安排现场处置，"
                                       "本周内完成整改，处置进展将在本账号公布。",
                         "in_scope": True, "topic": None,
                         "like_count": int(rng.integers(5, 80)), "oppose_count": int(rng.integers(0, 3))})
            labs.append({"message_id": mid, "topic": topic, "sentiment": "negative"})
    hot = pd.DataFrame(rows).astype({"like_count": "Int64", "oppose_count": "Int64", "in_scope": "boolean"})
    hot["topic"] = hot["topic"].astype("str")
    # replies of hot-issue messages respect the working-day rule
    late = workdays_between(hot["received_at"], hot["replied_at"]) > 4
    hot.loc[late, "replied_at"] = hot.loc[late, "received_at"] + pd.Timedelta(hours=1)
    return (pd.concat([messages, hot], ignore_index=True),
            pd.concat([labels, pd.DataFrame(labs)], ignore_index=True))


def _incidents(world: World) -> pd.DataFrame:
    """Public-opinion incidents, each answered by a post of the unit within a few hours."""
    rng, acc = world.rng, world.accounts
    units = rng.choice(sorted(acc["unit"].unique()), 5, replace=False)
    start = world.start + pd.to_timedelta(rng.integers(20, 330, 5), "D") + pd.to_timedelta(
        rng.integers(8, 20, 5), "h")
    inc = pd.DataFrame({"incident_id": [f"E{world.year}{i + 1:02d}" for i in range(5)], "unit": units,
                        "account_id": pd.array([None] * 5, dtype="str"), "kind": "public_opinion",
                        "started_at": start, "ended_at": start + pd.Timedelta(days=2),
                        "description": rng.choice(["强降雨致部分路段积水", "网传学校食堂食品安全问题",
                                                   "小区停水引发居民不满", "景区游客滞留", "企业欠薪引发聚集"], 5)})
    weibo = acc[acc["platform"] == "weibo"].set_index("unit")
    resp = pd.DataFrame({
        "account_id": weibo.loc[units, "account_id"].to_numpy(),
        "account": weibo.loc[units, "account_name"].to_numpy(), "platform": "weibo",
        "post_id": "IR" + inc["incident_id"],
        "published_at": inc["started_at"] + pd.to_timedelta(rng.integers(60, 360, 5), "m"),
        "text": "【情况通报】关于" + inc["description"] + "的情况说明",
        "media_kind": "text", "is_repost": pd.array([False] * 5, dtype="boolean"),
        "repost_source": pd.array([None] * 5, dtype="str"),
        "repost_count": pd.array(rng.poisson(50, 5), dtype="Int64"),
        "comment_count": pd.array(rng.poisson(30, 5), dtype="Int64"),
        "like_count": pd.array(rng.poisson(80, 5), dtype="Int64"),
        "read_count": pd.array([pd.NA] * 5, dtype="Int64"), "device": "微博 weibo.com"})
    world.posts = pd.concat([world.posts, resp], ignore_index=True)
    return inc


# --- plants: one function per criterion ------------------------------------------------------
# Each takes the World, changes its tables so that exactly the planted units/accounts violate
# the criterion, and records the truth with ``world.plant(criterion, unit, account_id)``.
# A plant must leave every other criterion untouched (e.g. a dormant gap must not also break
# C16 or C12 for that account), and must choose its targets with ``world.rng`` so that
# different seeds plant different cases. Targets are exclusive: an account (or unit) changed
# by one plant is not picked by another (``World.used_accounts``/``used_units``).
# The rules they follow are those of liuan_eval/criteria/liuan_2016.toml (docs/criteria_presets.md).

def _pick_accounts(world: World, k: int, platforms=("weibo", "wechat", "app"), exclude=(),
                   exclude_units=()) -> pd.DataFrame:
    """``k`` accounts (fewer when the pool is small) not yet used by a plant; marks them used."""
    acc = world.accounts
    pool = acc[acc["platform"].isin(platforms) & ~acc["account_id"].isin(list(exclude))
               & ~acc["unit"].isin(list(exclude_units))
               & ~acc["account_id"].isin(list(world.used_accounts))
               & ~acc["unit"].isin(list(world.removed_units))]
    k = min(k, len(pool))
    chosen = pool.iloc[world.rng.choice(len(pool), size=k, replace=False)]
    world.used_accounts.update(chosen["account_id"])
    return chosen


def _pick_units(world: World, k: int) -> list[str]:
    """``k`` units not yet used by a unit-level plant; marks them used."""
    units = sorted(set(world.accounts["unit"]) - world.used_units)
    k = min(k, len(units))
    chosen = [units[i] for i in world.rng.choice(len(units), size=k, replace=False)]
    world.used_units.update(chosen)
    return chosen


def _n(world: World, lo: int = 1, hi: int = 3) -> int:
    return int(world.rng.integers(lo, hi + 1))


def _protected_times(world: World) -> set:
    """Posts that other criteria depend on (release reposts, incident responses)."""
    p = world.posts["post_id"]
    return set(p[p.str.startswith(("RP", "IR"))])


def _protected_windows(world: World, account_ids) -> pd.Series:
    """Times of the protected posts of the accounts (sorted)."""
    p = world.posts
    sel = p["account_id"].isin(list(account_ids)) & p["post_id"].str.startswith(("RP", "IR"))
    return p.loc[sel, "published_at"].sort_values()


def _free_window(world: World, account_ids, length: pd.Timedelta, lo_day: int = 20, hi_day: int = 330,
                 tries: int = 200) -> pd.Timestamp | None:
    """A start time (midnight) such that [start, start + length) holds no protected post of the accounts
    and no release's repost deadline (a release published inside it would need a repost)."""
    prot = _protected_windows(world, account_ids)
    rel = world.releases["published_at"] if len(world.releases) else pd.Series([], dtype=prot.dtype)
    for _ in range(tries):
        first = world.start + pd.Timedelta(days=int(world.rng.integers(lo_day, hi_day)))
        end = first + length
        if ((prot >= first) & (prot < end)).any():
            continue
        if ((rel >= first - pd.Timedelta(days=2)) & (rel < end)).any():
            continue
        return first
    return None


def _new_ids(world: World, prefix: str, n: int) -> list[str]:
    return [f"{prefix}{int(x)}" for x in world.rng.choice(10**9, n, replace=False) + 10**9]


def plant_c01_missing_platform(world: World) -> None:
    """C01: a unit without an app (its app account and everything it did removed)."""
    for unit in _pick_units(world, _n(world, 1, 2)):
        acc = world.accounts
        gone = acc[(acc["unit"] == unit) & (acc["platform"] == "app")]["account_id"]
        world.accounts = acc[~acc["account_id"].isin(gone)].reset_index(drop=True)
        world.posts = world.posts[~world.posts["account_id"].isin(gone)].reset_index(drop=True)
        world.messages = world.messages[~world.messages["account_id"].isin(gone)].reset_index(drop=True)
        world.filings = world.filings[~world.filings["account_id"].isin(gone)].reset_index(drop=True)
        world.used_accounts.update(gone)
        world.plant("C01", unit)


def plant_c02_not_in_hall(world: World) -> None:
    """C02: an account that posts all year but is missing from the registry (named after its unit);
    and, when the calendar allows, a registered account opened late in December that never posts."""
    for unit in world.rng.choice(sorted(set(world.accounts["unit"]) - world.removed_units), _n(world, 1, 2),
                                 replace=False):
        aid = _new_ids(world, "WB", 1)[0]
        name = f"{unit}{world.rng.choice(['应急管理', '融媒体中心', '政务服务'])}发布"
        days = pd.date_range(world.start, world.end - pd.Timedelta(days=1), freq="4D")
        n = len(days)
        world.posts = pd.concat([world.posts, pd.DataFrame({
            "account_id": aid, "account": name, "platform": "weibo", "post_id": _new_ids(world, "W", n),
            "published_at": days + pd.Timedelta(hours=11), "text": f"【政务动态】{unit}开展便民服务活动",
            "media_kind": "image", "is_repost": pd.array([False] * n, dtype="boolean"),
            "repost_source": pd.array([None] * n, dtype="str"),
            "repost_count": pd.array([1] * n, dtype="Int64"), "comment_count": pd.array([0] * n, dtype="Int64"),
            "like_count": pd.array([2] * n, dtype="Int64"), "read_count": pd.array([pd.NA] * n, dtype="Int64"),
            "device": "微博 weibo.com"})], ignore_index=True)
        world.used_accounts.add(aid)
        world.plant("C02", str(unit), aid)
    # a registered account that has not posted: opened after the last release's repost deadline and
    # less than 15 days before the period ends, so that only C02 applies
    last_due = deadline_end(world.releases["published_at"], 1).max() if len(world.releases) else world.start
    opened = max(last_due.normalize(), world.end - pd.Timedelta(days=14))
    if opened >= world.end - pd.Timedelta(days=6):
        return
    a = _pick_accounts(world, 1, platforms=("weibo",)).iloc[0]
    new = a.copy()
    new["account_id"] = _new_ids(world, "WB", 1)[0]
    new["opened_at"] = opened
    new["filed_at"] = add_workdays(opened, 1) + pd.Timedelta(hours=10)
    world.accounts = pd.concat([world.accounts, new.to_frame().T.astype(world.accounts.dtypes)], ignore_index=True)
    world.filings = pd.concat([world.filings, pd.DataFrame({
        "unit": [new["unit"]], "account_id": [new["account_id"]], "event": ["open"], "event_date": [opened],
        "filed_at": [new["filed_at"]], "approved_at": [new["filed_at"] + pd.Timedelta(days=1)]})], ignore_index=True)
    world.used_accounts.add(new["account_id"])
    world.plant("C02", new["unit"], new["account_id"])


def plant_c03_bad_name(world: World) -> None:
    """C03: account names that break the notice's pattern (short or missing 发布/人民政府)."""
    for _, a in _pick_accounts(world, _n(world)).iterrows():
        good = a["account_name"]
        bad = {"county": good.replace("人民政府", ""), "zone": good.replace("开发区", "开发区管委会"),
               "department": good.replace("六安市", "")}[a["unit_type"]]
        if a["platform"] != "app" and bad == good:
            bad = good.removesuffix("发布")
        if bad == good:
            bad = good + "官方"
        world.accounts.loc[world.accounts["account_id"] == a["account_id"], "account_name"] = bad
        world.posts.loc[world.posts["account_id"] == a["account_id"], "account"] = bad
        world.plant("C03", a["unit"], a["account_id"])


def plant_c04_late_opening_filing(world: World) -> None:
    """C04: accounts opened during the year and filed after 4–8 working days."""
    for _, a in _pick_accounts(world, _n(world), platforms=("wechat", "app")).iterrows():
        opened = world.start + pd.Timedelta(days=int(world.rng.integers(60, 240)))
        filed = add_workdays(opened, int(world.rng.integers(4, 9))) + pd.Timedelta(hours=10)
        aid = a["account_id"]
        sel = world.accounts["account_id"] == aid
        world.accounts.loc[sel, "opened_at"] = opened
        world.accounts.loc[sel, "filed_at"] = filed
        f = world.filings
        op = (f["account_id"] == aid) & (f["event"] == "open")
        world.filings.loc[op, "event_date"] = opened
        world.filings.loc[op, "filed_at"] = filed
        world.filings.loc[op, "approved_at"] = filed + pd.Timedelta(days=1)
        world.posts = world.posts[~((world.posts["account_id"] == aid) & (world.posts["published_at"] < opened))]
        world.plant("C04", a["unit"], aid)
        acc = world.accounts
        if not ((acc["unit"] == a["unit"]) & (acc["platform"] == a["platform"]) & ~sel).any():
            world.plant("C01", a["unit"])  # the unit had no account on that platform before: opened late too


def _close(world: World, a: pd.Series, day: pd.Timestamp, filed: pd.Timestamp, event: str) -> None:
    aid = a["account_id"]
    sel = world.accounts["account_id"] == aid
    world.accounts.loc[sel, "closed_at"] = day
    world.accounts.loc[sel, "closure_filed_at"] = filed
    world.filings = pd.concat([world.filings, pd.DataFrame({
        "unit": [a["unit"]], "account_id": [aid], "event": [event], "event_date": [day], "filed_at": [filed],
        "approved_at": [filed + pd.Timedelta(hours=4)]})], ignore_index=True)
    world.posts = world.posts[~((world.posts["account_id"] == aid)
                                & (world.posts["published_at"] >= day + pd.Timedelta(days=1)))]


def plant_c05_late_closure_filing(world: World) -> None:
    """C05: accounts closed with the filing only 1–5 working days ahead (7 required)."""
    for _, a in _pick_accounts(world, _n(world), platforms=("wechat", "app")).iterrows():
        filed = world.start + pd.Timedelta(days=int(world.rng.integers(90, 300)), hours=10)
        day = add_workdays(filed, int(world.rng.integers(1, 6)))
        assert workdays_between(filed, day) < 7
        _close(world, a, day, filed, "close")
        world.plant("C05", a["unit"], a["account_id"])


def plant_c06_late_emergency_filing(world: World) -> None:
    """C06: emergency closures filed one or more days after the same-day deadline."""
    for _, a in _pick_accounts(world, _n(world, 1, 2), platforms=("wechat", "app")).iterrows():
        day = world.start + pd.Timedelta(days=int(world.rng.integers(90, 330)))
        filed = same_day_deadline(day) + pd.Timedelta(days=int(world.rng.integers(0, 3)), hours=9)
        _close(world, a, day, filed, "emergency_close")
        world.plant("C06", a["unit"], a["account_id"])


def plant_c07_late_reply(world: World) -> None:
    """C07: in-scope messages answered after 6–9 working days, or left unanswered."""
    m = world.messages
    pool = m[m["in_scope"].fillna(True).astype(bool) & ~m["message_id"].str.startswith("H")
             & ~m["account_id"].isin(list(world.used_accounts))]
    chosen = pool.drop_duplicates("account_id")
    chosen = chosen.iloc[world.rng.choice(len(chosen), size=min(_n(world, 2, 4), len(chosen)), replace=False)]
    late_day = add_workdays(chosen["received_at"], world.rng.integers(6, 10, len(chosen)))
    late = late_day + pd.Timedelta(hours=10)
    unanswered = world.rng.random(len(chosen)) < 0.3
    world.messages.loc[chosen.index, "replied_at"] = late.where(~unanswered, pd.NaT)
    world.messages.loc[chosen.index[unanswered], "reply_text"] = None
    for _, r in chosen.iterrows():
        world.plant("C07", r["unit"], r["account_id"])


def plant_c08_late_explanation(world: World) -> None:
    """C08: out-of-scope messages explained only after the same-day deadline."""
    m = world.messages
    pool = m[m["in_scope"].eq(False).fillna(False).astype(bool) & ~m["account_id"].isin(list(world.used_accounts))]
    chosen = pool.drop_duplicates("account_id")
    chosen = chosen.iloc[world.rng.choice(len(chosen), size=min(_n(world), len(chosen)), replace=False)]
    due = same_day_deadline(chosen["received_at"])
    world.messages.loc[chosen.index, "replied_at"] = due + pd.to_timedelta(
        world.rng.integers(9 * 60, 40 * 60, len(chosen)), "m")
    for _, r in chosen.iterrows():
        world.plant("C08", r["unit"], r["account_id"])


def plant_c09_boilerplate_reply(world: World) -> None:
    """C09: replies that say nothing ("已收到。", "感谢您的留言！")."""
    m = world.messages
    pool = m[m["replied_at"].notna() & ~m["message_id"].str.startswith("H")
             & ~m["account_id"].isin(list(world.used_accounts))]
    chosen = pool.drop_duplicates("account_id")
    chosen = chosen.iloc[world.rng.choice(len(chosen), size=min(_n(world), len(chosen)), replace=False)]
    world.messages.loc[chosen.index, "reply_text"] = world.rng.choice(
        ["已收到。", "感谢您的留言！", "您好，已转相关部门。", "收到"], len(chosen))
    for _, r in chosen.iterrows():
        world.plant("C09", r["unit"], r["account_id"])


def plant_c10_plain_text(world: World) -> None:
    """C10: accounts whose posts are all plain text (apart from release reposts)."""
    for _, a in _pick_accounts(world, _n(world)).iterrows():
        sel = (world.posts["account_id"] == a["account_id"]) & ~world.posts["post_id"].str.startswith("RP")
        world.posts.loc[sel, "media_kind"] = "text"
        world.plant("C10", a["unit"], a["account_id"])


def plant_c11_bad_source(world: World) -> None:
    """C11: reposts that name no source or an unsanctioned one."""
    for _, a in _pick_accounts(world, _n(world), exclude_units=world.quiet_units).iterrows():
        k = _n(world, 1, 3)
        when = world.start + pd.to_timedelta(world.rng.integers(10, 350, k), "D") + pd.Timedelta(hours=20)
        src = world.rng.choice(["某某自媒体", "网友爆料", ""], k)
        world.posts = pd.concat([world.posts, pd.DataFrame({
            "account_id": a["account_id"], "account": a["account_name"], "platform": a["platform"],
            "post_id": _new_ids(world, "B", k), "published_at": when,
            "text": "【转载】本地生活小常识一则", "media_kind": "image",
            "is_repost": pd.array([True] * k, dtype="boolean"),
            "repost_source": pd.array([s or None for s in src], dtype="str"),
            "repost_count": pd.array([0] * k, dtype="Int64"), "comment_count": pd.array([0] * k, dtype="Int64"),
            "like_count": pd.array([1] * k, dtype="Int64"),
            "read_count": pd.array([pd.NA if a["platform"] == "weibo" else 50] * k, dtype="Int64"),
            "device": "微博 weibo.com" if a["platform"] == "weibo" else pd.NA})], ignore_index=True)
        world.plant("C11", a["unit"], a["account_id"])


def plant_c12_late_repost(world: World) -> None:
    """C12: a key release reposted late (Weibo/app after 2–6 hours, WeChat after 2–3 working days) or not at all."""
    rel = world.releases.set_index("release_id")
    for _, a in _pick_accounts(world, _n(world, 2, 4), exclude_units=world.quiet_units).iterrows():
        rid = rel.index[int(world.rng.integers(0, len(rel)))]
        pid = f"RP{rid}_{a['account_id']}"
        sel = world.posts["post_id"] == pid
        if world.rng.random() < 0.35:
            world.posts = world.posts[~sel]
        elif a["platform"] == "wechat":
            t = add_workdays(rel.loc[rid, "published_at"], int(world.rng.integers(2, 4))) + pd.Timedelta(hours=11)
            world.posts.loc[sel, "published_at"] = t
        else:
            world.posts.loc[sel, "published_at"] = rel.loc[rid, "published_at"] + pd.Timedelta(
                minutes=int(world.rng.integers(120, 360)))
        world.plant("C12", a["unit"], a["account_id"])


def plant_c13_no_operators(world: World) -> None:
    """C13: units with no operator registered on any account."""
    for unit in _pick_units(world, _n(world, 1, 2)):
        sel = world.accounts["unit"] == unit
        world.accounts.loc[sel, "operators"] = pd.array(
            world.rng.choice([0, pd.NA], int(sel.sum())), dtype="Int64")
        world.plant("C13", unit)


def plant_c14_officers(world: World) -> None:
    """C14: a unit with no liaison officer named, and a staff change filed after 5–8 working days."""
    for unit in _pick_units(world, 1):
        world.accounts.loc[world.accounts["unit"] == unit, "liaison_officer"] = None
        world.plant("C14", unit)
    f = world.filings
    staff = f[(f["event"] == "staff_change") & ~f["unit"].isin(list(world.used_units))]
    if len(staff):
        i = staff.index[int(world.rng.integers(0, len(staff)))]
        world.filings.loc[i, "filed_at"] = add_workdays(f.loc[i, "event_date"], int(world.rng.integers(5, 9))) \
            + pd.Timedelta(hours=10)
        world.used_units.add(f.loc[i, "unit"])
        world.plant("C14", f.loc[i, "unit"])


def plant_c15_dormant(world: World) -> None:
    """C15: runs of 15 or more empty days (one run per chosen account, 15 to 40 days long)."""
    for _, a in _pick_accounts(world, _n(world, 2, 4)).iterrows():
        length = pd.Timedelta(days=int(world.rng.integers(15, 41)))
        first = _free_window(world, [a["account_id"]], length, 10, 320)
        if first is None:
            continue
        p = world.posts
        inside = (p["account_id"] == a["account_id"]) & (p["published_at"] >= first) & (
            p["published_at"] < first + length)
        world.posts = p[~inside]
        world.plant("C15", a["unit"], a["account_id"])


def plant_c16_silent(world: World) -> None:
    """C16: a public-opinion incident after which none of the unit's accounts posts for 24 hours."""
    for unit in _pick_units(world, _n(world, 1, 2)):
        ids = world.accounts.loc[world.accounts["unit"] == unit, "account_id"]
        start = _free_window(world, ids, pd.Timedelta(days=2), 30, 330)
        if start is None:
            continue
        start = start + pd.Timedelta(hours=int(world.rng.integers(8, 20)))
        p = world.posts
        quiet = p["account_id"].isin(ids) & (p["published_at"] >= start - pd.Timedelta(minutes=1)) & (
            p["published_at"] <= start + pd.Timedelta(hours=25))
        world.posts = p[~quiet]
        world.incidents = pd.concat([world.incidents, pd.DataFrame({
            "incident_id": [f"E{world.year}S{len(world.incidents) + 1:02d}"], "unit": [unit],
            "account_id": pd.array([None], dtype="str"), "kind": ["public_opinion"], "started_at": [start],
            "ended_at": [start + pd.Timedelta(days=1)], "description": ["网传辖区内发生安全事故"]})], ignore_index=True)
        world.quiet_units.add(unit)
        world.plant("C16", unit)


def plant_c17_incidents(world: World) -> None:
    """C17: recorded inaccurate-information and security incidents (on an account or on a unit)."""
    k = _n(world, 1, 3)
    chosen = _pick_accounts(world, k)
    for j, (_, a) in enumerate(chosen.iterrows()):
        on_unit = j == 0 and world.rng.random() < 0.4
        kind = str(world.rng.choice(["inaccurate", "security"]))
        start = world.start + pd.Timedelta(days=int(world.rng.integers(10, 340)), hours=10)
        world.incidents = pd.concat([world.incidents, pd.DataFrame({
            "incident_id": [f"E{world.year}K{len(world.incidents) + 1:02d}"], "unit": [a["unit"]],
            "account_id": pd.array([None if on_unit else a["account_id"]], dtype="str"), "kind": [kind],
            "started_at": [start], "ended_at": [start + pd.Timedelta(hours=6)],
            "description": ["发布的数据有误，已更正" if kind == "inaccurate" else "账号密码泄露被冒用发布"]})],
            ignore_index=True)
        world.plant("C17", a["unit"], None if on_unit else a["account_id"])


def plant_other_platforms(world: World) -> None:
    """Accounts on the other platforms an office registers: a 抖音 account that goes dormant (C15, the
    criteria that apply to any platform) and a compliant 快手 account, in units no other plant touched.

    Registered and filed, posting every few days like the background, written to ``posts_video.csv``.
    Runs last: the earlier plants' random draws are unchanged.
    """
    units = sorted(set(world.accounts["unit"]) - world.used_units - world.quiet_units - world.removed_units)
    if len(units) < 2:
        return
    chosen = [units[i] for i in world.rng.choice(len(units), size=2, replace=False)]
    types = world.accounts.drop_duplicates("unit").set_index("unit")["unit_type"]
    n = len(chosen)
    opened = pd.Timestamp("2019-05-06", tz=TIMEZONE) + pd.to_timedelta(world.rng.integers(0, 300, n), "D")
    new = pd.DataFrame({"unit": chosen, "unit_type": [types[u] for u in chosen], "platform": ["douyin", "kuaishou"],
                        "account_id": [f"DY{int(x)}" for x in world.rng.choice(9_000_000, n, replace=False) + 10**6],
                        "account_name": [account_name(u, types[u], "weibo") for u in chosen],
                        "opened_at": opened})
    new["account_id"] = [a if p == "douyin" else "KS" + a[2:] for a, p in zip(new["account_id"], new["platform"])]
    new["filed_at"] = add_workdays(new["opened_at"], 1) + pd.Timedelta(hours=10)
    new["closed_at"] = pd.Series(pd.NaT, index=new.index, dtype=f"datetime64[ns, {TIMEZONE}]")
    new["closure_filed_at"] = pd.Series(pd.NaT, index=new.index, dtype=f"datetime64[ns, {TIMEZONE}]")
    new["operators"] = pd.array([1] * n, dtype="Int64")
    new["liaison_officer"] = _names(world.rng, n)
    new["information_officer"] = _names(world.rng, n)
    posts = _posts(new, _daytable(world.year), world.rng, 0.3)
    douyin = new.iloc[0]
    length = pd.Timedelta(days=int(world.rng.integers(15, 31)))
    first = world.start + pd.Timedelta(days=int(world.rng.integers(60, 300)))
    gap = (posts["account_id"] == douyin["account_id"]) & (posts["published_at"] >= first) & (
        posts["published_at"] < first + length)
    world.accounts = pd.concat([world.accounts, new], ignore_index=True)
    world.posts = pd.concat([world.posts, posts[~gap]], ignore_index=True)
    world.filings = pd.concat([world.filings, pd.DataFrame({
        "unit": new["unit"], "account_id": new["account_id"], "event": "open",
        "event_date": new["opened_at"].dt.normalize(), "filed_at": new["filed_at"],
        "approved_at": new["filed_at"] + pd.Timedelta(days=1)})], ignore_index=True)
    world.used_units.update(chosen)
    world.used_accounts.update(new["account_id"])
    world.plant("C15", douyin["unit"], douyin["account_id"])


PLANTS = [plant_c01_missing_platform, plant_c16_silent, plant_c13_no_operators, plant_c14_officers,
          plant_c02_not_in_hall, plant_c03_bad_name, plant_c04_late_opening_filing, plant_c05_late_closure_filing,
          plant_c06_late_emergency_filing, plant_c07_late_reply, plant_c08_late_explanation,
          plant_c09_boilerplate_reply, plant_c10_plain_text, plant_c11_bad_source, plant_c12_late_repost,
          plant_c15_dormant, plant_c17_incidents, plant_other_platforms]
#: Plants run after every other (and after generate_sample's extra plants): C20 writes into the texts of
#: posts and replies that the others have left in place, so that no later plant removes a suspect.
LAST_PLANTS = [plant_c20_content]


# --- two consecutive years --------------------------------------------------------------------------
def plant_weaker_first_year(world: World, k: int = 2) -> None:
    """First year only: ``k`` units whose every account goes dormant once (C15) — they improve next year.

    Their accounts are named for rectification in the first year and not in the second (整改到位).
    """
    acc = world.accounts
    units = sorted(set(acc["unit"]) - world.used_units - world.quiet_units - world.removed_units)
    units = [u for u in units if not acc.loc[acc["unit"] == u, "account_id"].isin(list(world.used_accounts)).any()]
    chosen = [units[i] for i in world.rng.choice(len(units), size=min(k, len(units)), replace=False)]
    for unit in chosen:
        mine = acc[(acc["unit"] == unit) & acc["platform"].isin(["weibo", "wechat", "app"])]
        for _, a in mine.iterrows():
            _dormant(world, a, 15, 25)
        world.used_units.add(unit)


def plant_named_again(world: World, account_ids, k: int = 3) -> None:
    """Second year: up to ``k`` of the accounts named for dormancy (C15) in the first year go dormant again
    (named in both periods → proposed for closure across the two)."""
    acc = world.accounts
    again = acc[acc["account_id"].isin(list(account_ids)) & ~acc["account_id"].isin(list(world.used_accounts))
                & ~acc["unit"].isin(list(world.quiet_units | world.removed_units)) & acc["closed_at"].isna()]
    done = 0
    for _, a in again.sort_values("account_id").iterrows():
        if done >= k:
            break
        done += _dormant(world, a, 16, 30)


def _dormant(world: World, a: pd.Series, lo: int, hi: int) -> bool:
    length = pd.Timedelta(days=int(world.rng.integers(lo, hi + 1)))
    first = _free_window(world, [a["account_id"]], length, 10, 320)
    if first is None:
        return False
    p = world.posts
    inside = (p["account_id"] == a["account_id"]) & (p["published_at"] >= first) & (p["published_at"] < first + length)
    world.posts = p[~inside]
    world.used_accounts.add(a["account_id"])
    world.plant("C15", a["unit"], a["account_id"])
    return True


def generate_years(year: int = 2025, seed: int = 7, out: str | Path | None = None,
                   scale: float = 1.0) -> tuple[Sample, Sample]:
    """Two consecutive years (``year - 1`` and ``year``) of the same units and accounts, for the office's cycle.

    Both years share the registry (the same seed draws the same accounts; each year's plants still
    add, close or remove a few, as offices' registries change). Planted on top of each
    year's own problems: in the first year, two units whose every account goes dormant (they
    improve in the second); in the second, the accounts named for dormancy in the first go dormant
    again (named in both periods → proposed for closure). Written to ``out/<year - 1>`` and
    ``out/<year>``.

    Examples
    --------
    >>> first, second = generate_years(2025, seed=3, scale=0.1)
    >>> again = {f["account_id"] for f in first.truth["findings"] if f["criterion"] == "C15"} & {
    ...     f["account_id"] for f in second.truth["findings"] if f["criterion"] == "C15"}
    >>> len(again) > 0, first.truth["year"], second.truth["year"]
    (True, 2024, 2025)
    """
    base = Path(out) if out is not None else None
    first = generate_sample(year - 1, seed, base / str(year - 1) if base else None, scale,
                            extra_plants=[plant_weaker_first_year])
    named = sorted({f["account_id"] for f in first.truth["findings"] if f["criterion"] == "C15" and f["account_id"]})
    second = generate_sample(year, seed, base / str(year) if base else None, scale,
                             extra_plants=[lambda w: plant_named_again(w, named, k=max(1, len(named) // 3))])
    return first, second


# --- dirty input rows --------------------------------------------------------------------------
BAD_VALUES = {
    # file: [(column, values, reason, column that gets a fresh id or None)]
    "posts_weibo.csv": [("published_at", ["2025-13-45 25:61", "昨天", "not a date"], "bad_datetime", "post_id"),
                        ("post_id", [None, ""], "missing_value", None),
                        ("repost_count", ["abc", "很多"], "bad_number", "post_id")],
    "posts_wechat.csv": [("platform", ["门户网站", "传真"], "bad_choice", "post_id")],
    "messages.csv": [("received_at", ["2025-02-30 10:00", "上周五", "0000-00-00"], "bad_datetime", "message_id"),
                     ("message_id", [None, ""], "missing_value", None)],
    "accounts.xlsx": [("account_id", [None], "missing_value", None)],
    "filings.xlsx": [("event", ["迁移"], "bad_choice", None)],
}
EXACT_DUPLICATES = {"posts_weibo.csv": 4, "messages.csv": 3, "posts_app.parquet": 2}
DUPLICATE_KEYS = {"posts_wechat.csv": ("post_id", 2)}


def _table_of(fname: str) -> str:
    return "posts" if fname.startswith("posts") else fname.split(".")[0]


def _dirty(frames: dict[str, pd.DataFrame], rng: np.random.Generator) -> tuple[dict, dict]:
    """Add dirty rows of every kind the readers must handle; return the frames and their truth.

    ``frames`` hold each file's rows already formatted as the file will show them (canonical
    column names). Quarantined rows are *extra* rows, so the clean background and the plants
    are untouched: bad copies of sampled rows (with a fresh id), rows repeating an id with other
    content (``duplicate_key``), and exact copies of clean rows (removed as duplicates).
    """
    truth: dict = {"quarantine": [], "duplicates": {}}
    for fname, frame in frames.items():
        frame = frame.astype("object").assign(_reason=None)
        n0 = len(frame)
        parts = [frame]
        for column, values, reason, fresh in BAD_VALUES.get(fname, []):
            bad = frame.iloc[rng.choice(n0, len(values), replace=False)].copy()
            bad[column] = values
            if fresh:
                bad[fresh] = [f"BAD{reason[:3].upper()}{int(rng.integers(10**8))}{i}" for i in range(len(values))]
            parts.append(bad.assign(_reason=reason))
        allrows = pd.concat(parts, ignore_index=True)
        order = np.concatenate([np.arange(n0, dtype=float), rng.uniform(0, n0, len(allrows) - n0)])
        if fname in DUPLICATE_KEYS:  # a repeated id follows the row it repeats
            idcol, k = DUPLICATE_KEYS[fname]
            pick = rng.choice(n0, k, replace=False)
            dk = frame.iloc[pick].copy()
            dk["text"] = dk["text"].astype(str) + "（更正版）"
            allrows = pd.concat([allrows, dk.assign(_reason="duplicate_key")], ignore_index=True)
            order = np.concatenate([order, pick + 0.5 + rng.uniform(0, n0 - pick - 0.5)])
        if fname in EXACT_DUPLICATES:  # exact copies of clean rows, right after or later
            k = EXACT_DUPLICATES[fname]
            pick = rng.choice(n0, k, replace=False)
            allrows = pd.concat([allrows, frame.iloc[pick]], ignore_index=True)
            order = np.concatenate([order, pick + 0.25])
            truth["duplicates"][_table_of(fname)] = truth["duplicates"].get(_table_of(fname), 0) + k
        allrows = allrows.iloc[np.argsort(order, kind="stable")].reset_index(drop=True)
        lines = allrows.index.to_numpy() + 2  # a workbook's rows
        if fname.endswith(".csv"):  # a CSV record starts on the physical line an editor shows
            cells = allrows.drop(columns="_reason").astype("str")
            breaks = sum(cells[c].str.count("\n").fillna(0).to_numpy(dtype=np.int64) for c in cells.columns)
            lines = 2 + np.r_[0, np.cumsum(1 + breaks)[:-1]]
        for line, reason in zip(lines, allrows["_reason"]):
            if reason is not None:
                truth["quarantine"].append({"table": _table_of(fname), "file": fname, "line": int(line),
                                            "reason": reason})
        frames[fname] = allrows.drop(columns="_reason")
    truth["rows"] = {fname: int(len(f)) for fname, f in frames.items()}
    return frames, truth


# --- writing the files -------------------------------------------------------------------------
def _label_headers(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    from liuan_eval.schemas import TABLES

    return frame.rename(columns={c: TABLES[table][c].label for c in frame.columns if c in TABLES[table]})


def _fmt_mixed_dates(s: pd.Series) -> pd.Series:
    """Render timestamps in the formats real exports use, mixed row by row (by the minute)."""
    ts = pd.to_datetime(s)
    style = (ts.dt.minute.fillna(0).astype(int) + ts.dt.day.fillna(0).astype(int)) % 4
    y, mo, d = (ts.dt.year.astype("Int64").astype(str), ts.dt.month.astype("Int64").astype(str),
                ts.dt.day.astype("Int64").astype(str))
    f0 = ts.dt.strftime("%Y-%m-%d %H:%M")
    f1 = y + "-" + mo + "-" + d + " " + ts.dt.strftime("%H:%M")
    f2 = y + "/" + mo + "/" + d + " " + ts.dt.hour.astype("Int64").astype(str) + ts.dt.strftime(":%M")
    f3 = ts.dt.strftime("%Y年%m月%d日 %H:%M")
    out = pd.Series(np.select([style == 0, style == 1, style == 2], [f0, f1, f2], f3), index=s.index, dtype=object)
    return out.where(ts.notna(), None)


def _pad_text(s: pd.Series, rng: np.random.Generator, counter: dict, key: str) -> pd.Series:
    s = s.astype("object")
    pad = rng.random(len(s)) < 0.15
    zw = rng.random(len(s)) < 0.05
    s = s.where(~pad, "\n\t  " + s.astype(str) + "  \n")
    s = s.where(~zw, s.astype(str) + "\u200b\u200b")
    counter[f"{key}_padded"] = int(pad.sum())
    counter[f"{key}_zero_width"] = int(zw.sum())
    return s


def write_sample(world: World, out: Path, rng: np.random.Generator) -> tuple[dict[str, Path], dict]:
    """Write the world's tables as an office's files (mixed formats), dirty rows included."""
    out.mkdir(parents=True, exist_ok=True)
    cleaned: dict = {}
    posts = world.posts.sort_values(["published_at", "post_id"], ignore_index=True)

    acc = world.accounts[column_names("accounts")].copy()
    for c in ("opened_at", "filed_at", "closed_at", "closure_filed_at"):
        acc[c] = pd.to_datetime(acc[c]).dt.tz_localize(None)
    acc["platform"] = acc["platform"].map({"weibo": "新浪微博", "wechat": "微信公众号", "app": "客户端"}).fillna(
        acc["platform"].map(PLATFORM_LABELS))
    acc["unit_type"] = acc["unit_type"].map({"county": "县区", "zone": "开发区", "department": "市直部门"})

    wb = posts[posts["platform"] == "weibo"][column_names("posts")].drop(columns="read_count").copy()
    wb["published_at"] = _fmt_mixed_dates(wb["published_at"])
    wb["text"] = _pad_text(wb["text"], rng, cleaned, "weibo_text")
    for c, word in (("repost_count", "转发"), ("comment_count", "评论"), ("like_count", "赞")):
        zero = (wb[c] == 0).fillna(False).to_numpy()
        wb[c] = wb[c].astype("object").where(~zero, word)
        cleaned[f"weibo_{c}_word_zero"] = int(zero.sum())
    wb["platform"] = "新浪微博"
    wb["is_repost"] = wb["is_repost"].map({True: "是", False: "否"}).astype("object")

    wx = posts[posts["platform"] == "wechat"][column_names("posts")].copy()
    html = rng.random(len(wx)) < 0.1
    wx["text"] = wx["text"].astype("object").where(~html, "<p>" + wx["text"].astype(str) + "&nbsp;</p>")
    cleaned["wechat_html"] = int(html.sum())
    trad = (rng.random(len(wx)) < 0.05) & ~html
    wx["text"] = wx["text"].where(~trad, wx["text"].astype(str).str.replace("发布", "發佈")
                                  .str.replace("会议", "會議").str.replace("务", "務"))
    cleaned["wechat_traditional"] = int(trad.sum())
    big = rng.random(len(wx)) < 0.01
    wx["read_count"] = wx["read_count"].astype("object").where(~big, "10万+")
    cleaned["wechat_reads_10wan"] = int(big.sum())
    wx["platform"] = "微信公众号"
    wx["published_at"] = pd.to_datetime(wx["published_at"]).dt.strftime("%Y-%m-%dT%H:%M:%S+08:00")

    ap = posts[posts["platform"] == "app"][column_names("posts")].copy()
    ap["published_at"] = (pd.to_datetime(ap["published_at"]).astype("int64") // 10**6).astype("int64")

    # 抖音, 快手 and the other platforms: one file with Chinese headers and platform names
    ov = posts[~posts["platform"].isin(["weibo", "wechat", "app"])][column_names("posts")].copy()
    ov["platform"] = ov["platform"].map(PLATFORM_LABELS)
    ov["published_at"] = pd.to_datetime(ov["published_at"]).dt.strftime("%Y-%m-%d %H:%M")

    # the office's verdict columns (核定主题 ...) are filled by analysts, not by the generator
    ms = world.messages[[c for c in column_names("messages") if c in world.messages.columns]].copy()
    for c in ("received_at", "replied_at"):
        ms[c] = _fmt_mixed_dates(ms[c])
    ms["text"] = _pad_text(ms["text"], rng, cleaned, "message_text")
    ms["in_scope"] = ms["in_scope"].map({True: "是", False: "否"}).astype("object")
    ms["platform"] = ms["platform"].map({"weibo": "微博", "wechat": "微信", "app": "APP"}).astype("object")

    fl = world.filings[column_names("filings")].copy()
    fl["event"] = fl["event"].map(FILING_LABELS)
    for c in ("event_date", "filed_at", "approved_at"):
        fl[c] = pd.to_datetime(fl[c]).dt.tz_localize(None)

    rl = world.releases[column_names("releases")].copy()
    rl["published_at"] = pd.to_datetime(rl["published_at"]).dt.strftime("%Y-%m-%d %H:%M")
    ic = world.incidents[column_names("incidents")].copy()
    for c in ("started_at", "ended_at"):
        ic[c] = pd.to_datetime(ic[c]).dt.strftime("%Y年%m月%d日 %H:%M")
    ic["kind"] = ic["kind"].map({"public_opinion": "重大舆情", "inaccurate": "信息不实", "security": "安全事件"})

    frames = {"accounts.xlsx": acc, "posts_weibo.csv": wb, "posts_wechat.csv": wx, "posts_app.parquet": ap,
              **({"posts_video.csv": ov} if len(ov) else {}), "messages.csv": ms, "filings.xlsx": fl, "releases.csv": rl, "incidents.csv": ic}
    frames = {k: v.reset_index(drop=True) for k, v in frames.items()}
    frames, truth = _dirty(frames, rng)
    truth["cleaned"] = cleaned

    files: dict[str, Path] = {}
    weibo_headers = {"account_id": "账号ID", "account": "账号名称", "platform": "平台", "post_id": "微博ID",
                     "published_at": "发布时间", "text": "微博内容", "media_kind": "形式", "is_repost": "是否转发",
                     "repost_source": "转发来源", "repost_count": "转发数", "comment_count": "评论数",
                     "like_count": "点赞数", "device": "设备源"}
    for fname, frame in frames.items():
        path = out / fname
        table = _table_of(fname)
        if fname == "posts_weibo.csv":
            frame.rename(columns=weibo_headers).to_csv(path, index=False, encoding="gb18030")
        elif fname == "posts_wechat.csv":
            frame.to_csv(path, index=False, encoding="utf-8")
        elif fname == "posts_app.parquet":
            frame = frame.astype({c: "str" for c in ("account_id", "account", "platform", "post_id", "text",
                                                      "media_kind", "repost_source", "device")})
            frame = frame.astype({"is_repost": "boolean", "repost_count": "Int64", "comment_count": "Int64",
                                  "like_count": "Int64", "read_count": "Int64", "published_at": "int64"})
            frame.to_parquet(path, index=False)
        elif fname.endswith(".xlsx"):
            _write_excel(_label_headers(frame, table), path, TABLE_SHEETS[table])
        elif fname in ("messages.csv", "incidents.csv", "posts_video.csv"):
            _label_headers(frame, table).to_csv(path, index=False, encoding="utf-8-sig")
        else:
            _label_headers(frame, table).to_csv(path, index=False, encoding="utf-8")
        files[fname.split(".")[0]] = path
    return files, truth


FILING_LABELS = {"open": "开设", "close": "关闭", "emergency_close": "紧急关闭", "rename": "更名",
                 "staff_change": "人员变更"}
TABLE_SHEETS = {"accounts": "账号登记表", "filings": "备案记录"}


def _write_excel(frame: pd.DataFrame, path: Path, sheet: str) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        frame.to_excel(xw, sheet_name=sheet, index=False)
    # a fixed timestamp inside the file keeps generated samples byte-identical per seed
    import openpyxl

    wb = openpyxl.load_workbook(path)
    fixed = pd.Timestamp("2000-01-01").to_pydatetime()
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.save(path)


# --- public entry points ---------------------------------------------------------------------
def generate_sample(year: int = 2025, seed: int = 7, out: str | Path | None = None,
                    scale: float = 1.0, extra_plants=()) -> Sample:
    """Generate a year of sample data with planted violations and dirty rows.

    Parameters
    ----------
    year : int
        The assessment year the data covers.
    seed : int
        Random seed; different seeds plant different cases.
    out : str or Path, optional
        Folder to write the files, ``truth.json`` and ``labels.csv`` into.
    scale : float
        1.0 gives all ~30 departments and a realistic volume (~50,000 posts,
        ~2,400 messages); smaller values give fewer departments and posts, for tests.
    extra_plants : sequence of callables, optional
        Plants run after the regular ones (``fn(world)``; see :func:`generate_years`).

    Returns
    -------
    Sample
        Canonical tables, the truth and the message labels (and the files written).

    Examples
    --------
    >>> s = generate_sample(2025, seed=3, scale=0.1)
    >>> {f["criterion"] for f in s.truth["findings"]} >= {"C15", "C07"}
    True
    """
    world = _background(year, seed, scale)
    for plant in (*PLANTS, *extra_plants, *LAST_PLANTS):
        plant(world)
    tables = {"accounts": world.accounts, "posts": world.posts.sort_values("published_at", ignore_index=True),
              "messages": world.messages, "filings": world.filings, "releases": world.releases,
              "incidents": world.incidents}
    truth = {"year": year, "seed": seed, "findings": world.findings, "suspects": world.suspects, "dirty_rows": {}}
    files: dict[str, Path] = {}
    if out is not None:
        out = Path(out)
        files, dirty = write_sample(world, out, np.random.default_rng([seed, 1]))
        truth["dirty_rows"] = dirty
        (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
        world.labels.to_csv(out / "labels.csv", index=False, encoding="utf-8")
        files["truth"] = out / "truth.json"
        files["labels"] = out / "labels.csv"
    return Sample(tables=tables, truth=truth, labels=world.labels, files=files)
