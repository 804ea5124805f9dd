"""The report's charts, as :class:`matplotlib.figure.Figure` objects with Chinese text.

Each function takes a table from :mod:`liuan_eval.report.tables` (or a canonical table)
and returns a new Figure drawn with Agg (no pyplot state, nothing shown); the notebook
displays it, :func:`save` writes it. With no data a chart still appears, saying "无数据",
so the report's layout never changes.

Examples
--------
>>> import pandas as pd
>>> from liuan_eval.report import figures, tables
>>> acc = pd.DataFrame({"unit": ["金安区", "霍山县"], "unit_type": ["county"] * 2,
...                     "platform": ["weibo", "app"], "account_id": ["a", "b"]})
>>> fig = figures.coverage_figure(tables.coverage_matrix(acc))
>>> fig.axes[0].get_title()
'各单位“两微一端”开设情况'
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from liuan_eval.report.fonts import setup_fonts
from liuan_eval.report.tables import GRADE_ORDER, _local, period_bounds
from liuan_eval.schemas import PLATFORM_LABELS, UNIT_TYPE_LABELS
from liuan_eval.validation import Reason

setup_fonts()

DPI = 100
GRADE_COLORS = {"优秀": "#2e7d32", "良好": "#7cb342", "合格": "#fbc02d", "不合格": "#d32f2f"}
PLATFORM_COLORS = {"weibo": "#e6162d", "wechat": "#2aae67", "app": "#1e88e5", "douyin": "#111111",
                   "kuaishou": "#ff7a00", "toutiao": "#c62828", "channels": "#fbc02d", "bilibili": "#00a1d6",
                   "xiaohongshu": "#ff2442", "baijiahao": "#2932e1", "other": "#777777"}


def _figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, max(height, 1.6)), dpi=DPI, layout="constrained")


def _no_data(title: str, note: str = "无数据") -> Figure:
    fig = _figure(8, 1.8)
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.set_title(title)
    ax.text(0.5, 0.5, note, ha="center", va="center", fontsize=13, color="#777777",
            transform=ax.transAxes)
    return fig


def _short(text: str, width: int) -> str:
    text = str(text)
    return text if len(text) <= width else text[:max(width - 1, 1)] + "…"


def save(fig: Figure, path: str | Path) -> Path:
    """Write ``fig`` as PNG (or the format of the suffix) and return the path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = save(_no_data("示例"), pathlib.Path(tempfile.mkdtemp()) / "x.png")
    >>> p.stat().st_size > 0
    True
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI, metadata={"Software": None} if path.suffix == ".png" else None)
    return path


def coverage_figure(coverage: pd.DataFrame) -> Figure:
    """Units × platforms: a filled cell for each platform a unit has opened.

    Examples
    --------
    >>> coverage_figure(pd.DataFrame()).axes[0].get_title()
    '各单位“两微一端”开设情况'
    """
    title = "各单位“两微一端”开设情况"
    if coverage is None or coverage.empty:
        return _no_data(title)
    n = len(coverage)
    cols = min(4, max(1, int(np.ceil(n / 25))))
    per = int(np.ceil(n / cols))
    fig = _figure(3.2 * cols + 0.5, 0.24 * per + 1.2)
    axes = fig.subplots(1, cols, squeeze=False)[0]
    cmap = ListedColormap(["#f3d6d6", "#4c8bd6"])
    for i, ax in enumerate(axes):
        part = coverage.iloc[i * per:(i + 1) * per]
        if part.empty:
            ax.set_axis_off()
            continue
        shown = [p for p in PLATFORM_LABELS if p in part.columns]   # the three, then other platforms registered
        values = part[shown].to_numpy(dtype="int64")
        ax.imshow(values, cmap=cmap, vmin=0, vmax=1, aspect="auto")
        ax.set_xticks(range(len(shown)), [PLATFORM_LABELS[p] for p in shown], fontsize=8 if len(shown) > 3 else None)
        ax.xaxis.tick_top()
        ax.set_yticks(range(len(part)), [_short(u, 12) for u in part["unit"]], fontsize=8)
        ax.set_xticks(np.arange(-0.5, len(shown)), minor=True)
        ax.set_yticks(np.arange(-0.5, len(part)), minor=True)
        ax.grid(which="minor", color="white", linewidth=1)
        ax.tick_params(which="minor", length=0)
    axes[0].set_title(title)
    fig.legend(handles=[Patch(color="#4c8bd6", label="已开设"), Patch(color="#f3d6d6", label="未开设")],
               loc="outside lower center", ncols=2, frameon=False)
    return fig


def ranking_figure(ranking: pd.DataFrame) -> Figure:
    """Units' total scores as bars in rank order, coloured by grade.

    Examples
    --------
    >>> r = pd.DataFrame({"rank": [1, 2], "unit": ["霍山县", "金安区"], "total": [96.0, 81.5],
    ...                   "grade": ["优秀", "良好"]})
    >>> len(ranking_figure(r).axes[0].patches)
    2
    """
    title = "各单位考核总分与等次"
    if ranking is None or ranking.empty:
        return _no_data(title)
    r = ranking.sort_values(["rank", "unit"], kind="stable")
    fig = _figure(9, 0.24 * len(r) + 1.3)
    ax = fig.add_subplot()
    colors = r["grade"].astype("str").map(GRADE_COLORS).fillna("#9e9e9e").tolist()
    y = np.arange(len(r))
    ax.barh(y, r["total"].astype("float64").to_numpy(), color=colors)
    ax.set_yticks(y, [f"{int(k) if pd.notna(k) else '—'}. {_short(u, 14)}" for k, u in zip(r["rank"], r["unit"])], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("总分")
    ax.set_title(title)
    ax.set_xlim(0, max(100.0, float(r["total"].max()) * 1.05))
    present = [g for g in GRADE_ORDER if g in set(r["grade"].astype("str"))]
    ax.legend(handles=[Patch(color=GRADE_COLORS[g], label=g) for g in present], loc="lower right")
    return fig


def criteria_heatmap(unit_scores: pd.DataFrame, criteria: list[str], names: dict[str, str] | None = None,
                     full_marks: dict[str, float] | None = None) -> Figure:
    """Heat-map of units × criteria: each cell the unit's points on that criterion.

    With ``full_marks`` (criterion → maximum points) cells show the share of the maximum
    kept, so a red cell is a lost criterion whatever its weight; otherwise raw points.

    Examples
    --------
    >>> us = pd.DataFrame({"unit": ["霍山县", "金安区"], "rank": [1, 2], "C01": [10.0, 5.0],
    ...                    "C07": [20.0, 0.0]})
    >>> criteria_heatmap(us, ["C01", "C07"]).axes[0].get_title()
    '各单位分项得分热力图（单位 × 指标）'
    """
    title = "各单位分项得分热力图（单位 × 指标）"
    if unit_scores is None or unit_scores.empty or not criteria:
        return _no_data(title)
    us = unit_scores.sort_values(["rank", "unit"], kind="stable") if "rank" in unit_scores else unit_scores
    values = us[criteria].apply(pd.to_numeric, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    if full_marks:
        top = np.array([full_marks.get(c, np.nan) for c in criteria], dtype="float64")
        with np.errstate(divide="ignore", invalid="ignore"):
            shown = np.where(top > 0, values / top, np.nan)
        vmin, vmax, label = 0.0, 1.0, "得分率"
    else:
        shown = values
        vmin, vmax, label = np.nanmin(values) if np.isfinite(values).any() else 0, None, "得分"
    fig = _figure(max(7, 0.55 * len(criteria) + 3), 0.24 * len(us) + 1.8)
    ax = fig.add_subplot()
    im = ax.imshow(shown, cmap="RdYlGn", aspect="auto", vmin=vmin, vmax=vmax)
    labels = [c if not names or c not in names else f"{c}\n{_short(names[c], 6)}" for c in criteria]
    ax.set_xticks(range(len(criteria)), labels, fontsize=7)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(us)), [_short(u, 12) for u in us["unit"]], fontsize=8)
    if len(us) * len(criteria) <= 900:
        for (i, j), v in np.ndenumerate(values):
            if np.isfinite(v):
                ax.text(j, i, f"{v:g}", ha="center", va="center", fontsize=6, color="#222222")
    fig.colorbar(im, ax=ax, label=label, shrink=0.6)
    ax.set_title(title)
    return fig


def _days_of(year: int, period=None) -> tuple[pd.Timestamp, int]:
    """The first day (naive) and the number of days of ``year``, or of ``period`` (first, last day)."""
    start, end = period_bounds(year, period)
    return start.tz_localize(None), (end - start).days


def calendar_matrix(daily: pd.DataFrame | None, accounts: pd.DataFrame, year: int,
                    dormant: pd.DataFrame | None = None, period=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Posts per account and day of ``year`` (or of ``period``: first and last day, both inclusive),
    the active days and the dormant days.

    Nothing is recomputed here: the counts come from :func:`tables.daily_post_counts`
    (``account_id, day, posts``) and the dormant runs are the assessment's C15 findings
    (``account_id, window_start, window_end``, first and last empty day).

    Returns ``(counts, active, dormant)``, each of shape (accounts, days of the year) in
    the order of ``accounts``. ``active`` is the part of the year between the account's
    opening and closing days.

    Examples
    --------
    >>> acc = pd.DataFrame({"account_id": ["a"], "opened_at": [pd.NaT], "closed_at": [pd.NaT]})
    >>> daily = pd.DataFrame({"account_id": ["a", "a"], "day": pd.to_datetime(["2025-03-01", "2025-03-17"]),
    ...                       "posts": [1, 2]})
    >>> runs = pd.DataFrame({"account_id": ["a"], "window_start": pd.to_datetime(["2025-03-02"]),
    ...                      "window_end": pd.to_datetime(["2025-03-16"])})
    >>> counts, active, dormant = calendar_matrix(daily, acc, 2025, runs)
    >>> int(counts.sum()), int(active.sum()), int(dormant.sum())
    (3, 365, 15)
    """
    start, n_days = _days_of(year, period)
    n = len(accounts)
    index = pd.Series(np.arange(n), index=accounts["account_id"].astype("str").to_numpy())
    index = index[~index.index.duplicated()]

    def days(values: pd.Series) -> pd.Series:
        return (_local(values).dt.tz_localize(None).dt.normalize() - start).dt.days

    counts = np.zeros((n, n_days), dtype="int64")
    if daily is not None and not daily.empty and n:
        row = daily["account_id"].astype("str").map(index)
        day = days(daily["day"])
        ok = (row.notna() & day.between(0, n_days - 1)).to_numpy()
        np.add.at(counts, (row[ok].astype("int64").to_numpy(), day[ok].astype("int64").to_numpy()),
                  daily["posts"].astype("int64").to_numpy()[ok])

    def day_index(col: str, default: int) -> np.ndarray:
        if col not in accounts:
            return np.full(n, default)
        d = days(accounts[col])
        return d.fillna(default).clip(-1, n_days).astype("int64").to_numpy()

    first = np.maximum(day_index("opened_at", 0), 0)
    last = np.minimum(day_index("closed_at", n_days - 1), n_days - 1)
    grid = np.arange(n_days)
    active = (grid >= first[:, None]) & (grid <= last[:, None])
    marked = np.zeros((n, n_days + 1), dtype=np.int64)  # +1 at a run's first day, -1 after its last
    if dormant is not None and not dormant.empty and n:
        row = dormant["account_id"].astype("str").map(index)
        lo = days(dormant["window_start"]).clip(0, n_days)
        hi = days(dormant["window_end"]).clip(-1, n_days - 1) + 1
        ok = (row.notna() & lo.notna() & hi.notna() & (hi > lo)).to_numpy()
        r = row[ok].astype("int64").to_numpy()
        np.add.at(marked, (r, lo[ok].astype("int64").to_numpy()), 1)
        np.add.at(marked, (r, hi[ok].astype("int64").to_numpy()), -1)
    dormant_days = np.cumsum(marked, axis=1)[:, :n_days] > 0
    return counts, active, dormant_days & active


def _calendar_title(min_gap: int, period=None, label: str = "") -> str:
    span = "本期" if period is not None else "全年"
    return f"{label}账号{span}发布日历（红色为连续{min_gap}天以上未更新）"


def posting_calendar(daily: pd.DataFrame | None, accounts: pd.DataFrame | None, year: int,
                     min_gap: int = 15, title: str | None = None, dormant: pd.DataFrame | None = None,
                     period=None) -> Figure:
    """Each account's posting calendar for the year (or ``period``, first and last day): one row per
    account, one column per day.

    Green shades are days with posts, white days without, red the dormant runs of
    ``min_gap`` days or more, grey the days before opening or after closing.

    Examples
    --------
    >>> acc = pd.DataFrame({"unit": ["金安区"], "platform": ["weibo"], "account_id": ["a"],
    ...                     "account_name": ["金安区人民政府发布"]})
    >>> fig = posting_calendar(None, acc, 2025)
    >>> fig.axes[0].get_title()
    '账号全年发布日历（红色为连续15天以上未更新）'
    """
    title = title or _calendar_title(min_gap, period)
    if accounts is None or accounts.empty:
        return _no_data(title)
    acc = accounts.sort_values(["unit", "platform", "account_id"], kind="stable").reset_index(drop=True)
    counts, active, dormant = calendar_matrix(daily, acc, year, dormant, period)
    # 0 inactive, 1 no post, 2 dormant, 3: 1 post, 4: 2–3 posts, 5: 4+ posts
    code = np.where(active, 1, 0)
    code = np.where(dormant, 2, code)
    code = np.where(counts >= 1, 3, code)
    code = np.where(counts >= 2, 4, code)
    code = np.where(counts >= 4, 5, code)
    cmap = ListedColormap(["#d9d9d9", "#ffffff", "#e53935", "#c7e9c0", "#74c476", "#238b45"])
    norm = BoundaryNorm(np.arange(-0.5, 6), cmap.N)
    fig = _figure(12, 0.2 * len(acc) + 1.6)
    ax = fig.add_subplot()
    ax.imshow(code, cmap=cmap, norm=norm, aspect="auto", interpolation="nearest")
    first, n_days = _days_of(year, period)
    month_starts = pd.date_range(first, first + pd.Timedelta(days=n_days - 1), freq="MS")
    if not len(month_starts) or month_starts[0] != first:
        month_starts = pd.DatetimeIndex([first]).append(month_starts)
    many_years = month_starts[0].year != month_starts[-1].year
    ax.set_xticks((month_starts - first).days,
                  [(f"{d.year}年" if many_years and (i == 0 or d.month == 1) else "") + f"{d.month}月"
                   + (f"{d.day}日" if d.day != 1 else "") for i, d in enumerate(month_starts)],
                  fontsize=8)
    name = acc["account_name"] if "account_name" in acc else acc["account_id"]
    labels = [f"{_short(u, 10)}·{PLATFORM_LABELS.get(str(p), str(p))}·{_short(a, 12)}"
              for u, p, a in zip(acc["unit"], acc["platform"].astype("str"), name)]
    ax.set_yticks(range(len(acc)), labels, fontsize=7)
    ax.set_title(title)
    fig.legend(handles=[Patch(facecolor=c, edgecolor="#999999", label=lab) for c, lab in [
        ("#238b45", "4条以上"), ("#74c476", "2–3条"), ("#c7e9c0", "1条"), ("#ffffff", "未发布"),
        ("#e53935", f"连续{min_gap}天以上未更新"), ("#d9d9d9", "未开通或已关闭")]],
        loc="outside lower center", ncols=6, frameon=False, fontsize=8)
    return fig


def posting_calendars(daily: pd.DataFrame | None, accounts: pd.DataFrame | None, year: int,
                      min_gap: int = 15, dormant: pd.DataFrame | None = None, period=None) -> list[Figure]:
    """:func:`posting_calendar` split by unit type (县区, 开发区, 市直部门), one chart each.

    Examples
    --------
    >>> acc = pd.DataFrame({"unit": ["金安区", "市教育局"], "unit_type": ["county", "department"],
    ...                     "platform": ["weibo", "app"], "account_id": ["a", "b"]})
    >>> len(posting_calendars(None, acc, 2025))
    2
    """
    if accounts is None or accounts.empty or "unit_type" not in accounts:
        return [posting_calendar(daily, accounts, year, min_gap, dormant=dormant, period=period)]
    figs = []
    kinds = accounts["unit_type"].astype("str")
    for kind, label in UNIT_TYPE_LABELS.items():
        part = accounts[kinds.eq(kind).fillna(False).to_numpy()]
        if not part.empty:
            figs.append(posting_calendar(daily, part, year, min_gap, title=_calendar_title(min_gap, period, label),
                                         dormant=dormant, period=period))
    rest = accounts[~kinds.isin(list(UNIT_TYPE_LABELS)).fillna(False).to_numpy()]
    if not rest.empty:
        figs.append(posting_calendar(daily, rest, year, min_gap, title=_calendar_title(min_gap, period, "其他"),
                                     dormant=dormant, period=period))
    return figs


def reply_timeliness_figure(reply: pd.DataFrame, limit: int = 5) -> Figure:
    """Per unit, in-scope messages split into on time, late, overdue and pending (stacked bars).

    Examples
    --------
    >>> r = pd.DataFrame({"unit": ["甲", "合计"], "on_time": [3, 3], "late": [1, 1], "overdue": [0, 0],
    ...                   "pending": [0, 0], "on_time_rate": [0.75, 0.75]})
    >>> len(reply_timeliness_figure(r).axes[0].patches)
    4
    """
    title = f"各单位留言答复及时情况（{limit}个工作日内）"
    r = reply[reply["unit"] != "合计"] if reply is not None and not reply.empty else None
    if r is None or r.empty:
        return _no_data(title)
    r = r.sort_values(["on_time_rate", "unit"], ascending=[False, True], kind="stable")
    fig = _figure(9, 0.24 * len(r) + 1.5)
    ax = fig.add_subplot()
    y = np.arange(len(r))
    left = np.zeros(len(r))
    for col, label, color in [("on_time", "按时答复", "#43a047"), ("late", "超时答复", "#fb8c00"),
                              ("overdue", "逾期未答复", "#e53935"), ("pending", "未到期未答复", "#bdbdbd")]:
        v = r[col].astype("float64").to_numpy()
        ax.barh(y, v, left=left, color=color, label=label)
        left += v
    ax.set_yticks(y, [_short(u, 14) for u in r["unit"]], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("职责内留言数")
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize=8)
    return fig


def repost_timeliness_figure(delays: pd.DataFrame) -> Figure:
    """Each key release: how fast each account reposted it (Weibo/app in minutes, WeChat in working days).

    ``delays`` has one row per (release, account): ``release_id, title, platform,
    delay_minutes, delay_workdays, on_time`` (NaN delay: not reposted).

    Examples
    --------
    >>> d = pd.DataFrame({"release_id": ["R1", "R1"], "title": ["政府工作报告"] * 2,
    ...     "platform": ["weibo", "wechat"], "delay_minutes": [30.0, 900.0], "delay_workdays": [0.0, 1.0],
    ...     "on_time": [True, True]})
    >>> [ax.get_title() for ax in repost_timeliness_figure(d).axes]
    ['微博、客户端转发延迟（分钟，限1小时）', '微信转发延迟（工作日，限1个工作日）']
    """
    title = "重要信息转发及时情况"
    if delays is None or delays.empty:
        return _no_data(title)
    d = delays
    releases = d.drop_duplicates("release_id").sort_values("release_id", kind="stable")
    ypos = pd.Series(np.arange(len(releases)), index=releases["release_id"].to_numpy())
    labels = [f"{rid} {_short(t, 16)}" for rid, t in zip(releases["release_id"], releases["title"])]
    fig = _figure(11, 0.32 * len(releases) + 1.8)
    ax1, ax2 = fig.subplots(1, 2, sharey=True)
    platform = d["platform"].astype("str")
    on_time = d["on_time"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    rng = np.random.default_rng(0)
    for ax, mask, col, limit, unit in [
            (ax1, platform.isin(["weibo", "app"]).to_numpy(), "delay_minutes", 60, "分钟"),
            (ax2, platform.eq("wechat").to_numpy(), "delay_workdays", 1, "工作日")]:
        part = d[mask]
        ok = on_time[mask]
        v = pd.to_numeric(part[col], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        y = ypos.reindex(part["release_id"]).to_numpy(dtype="float64") + rng.uniform(-0.25, 0.25, len(part))
        shown = np.isfinite(v)
        ax.scatter(v[shown & ok], y[shown & ok], s=14, color="#43a047", label="及时")
        ax.scatter(v[shown & ~ok], y[shown & ~ok], s=14, color="#e53935", label="超时")
        if col == "delay_minutes" and shown.any() and np.nanmax(v) > 600:
            ax.set_xscale("symlog", linthresh=60)
        if (~shown).any():  # not reposted: a cross at the right edge
            right = max(float(np.nanmax(v)) if shown.any() else 0.0, limit) * 1.15 + (1 if limit <= 1 else 0)
            ax.scatter(np.full(int((~shown).sum()), right), y[~shown], s=22, marker="x", color="#b71c1c",
                       label="未转发")
        ax.axvline(limit, color="#555555", linestyle="--", linewidth=1)
        ax.set_xlabel(unit)
        ax.legend(loc="lower right", fontsize=8)
    ax1.set_title("微博、客户端转发延迟（分钟，限1小时）")
    ax2.set_title("微信转发延迟（工作日，限1个工作日）")
    ax1.set_yticks(np.arange(len(releases)), labels, fontsize=8)
    ax1.invert_yaxis()
    return fig


def message_trend_figure(wide: pd.DataFrame, title: str, kind: str = "bar",
                         colors: dict[str, str] | None = None, ylabel: str = "留言数") -> Figure:
    """Messages per month by category (a table from :func:`tables.message_counts`).

    ``kind`` is ``"bar"`` (stacked bars) or ``"line"``.

    Examples
    --------
    >>> w = pd.DataFrame({"month": ["2025-01", "2025-02"], "负面": [3, 5], "中性": [2, 1]})
    >>> message_trend_figure(w, "情感").axes[0].get_title()
    '情感'
    """
    if wide is None or wide.empty or len(wide.columns) < 2:
        return _no_data(title)
    cats = [c for c in wide.columns if c != "month"]
    fig = _figure(10, 3.6)
    ax = fig.add_subplot()
    x = np.arange(len(wide))
    palette = [f"C{i % 10}" for i in range(len(cats))]
    if kind == "line":
        for i, c in enumerate(cats):
            ax.plot(x, wide[c].to_numpy(), marker="o", label=c,
                    color=(colors or {}).get(c, palette[i]))
    else:
        bottom = np.zeros(len(wide))
        for i, c in enumerate(cats):
            v = wide[c].astype("float64").to_numpy()
            ax.bar(x, v, bottom=bottom, label=c, color=(colors or {}).get(c, palette[i]))
            bottom += v
    ax.set_xticks(x, [m[-2:].lstrip("0") + "月" if len(m) == 7 else m for m in wide["month"]], fontsize=8)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    fig.legend(loc="outside right upper", fontsize=8)
    return fig


SENTIMENT_COLORS = {"正面": "#43a047", "中性": "#9e9e9e", "负面": "#e53935"}
RISK_COLORS = {"高": "#c62828", "中": "#fb8c00", "低": "#fdd835", "无": "#9e9e9e"}


def hot_issues_figure(hot: pd.DataFrame, top: int = 10) -> Figure:
    """The ``top`` hot issues by heat score, labelled by their representative message.

    Examples
    --------
    >>> h = pd.DataFrame({"representative": ["小区停车难", "学校门口拥堵"], "heat": [8.0, 5.0],
    ...                   "count": [12, 7]})
    >>> len(hot_issues_figure(h).axes[0].patches)
    2
    """
    title = "热点问题（按热度）"
    if hot is None or hot.empty:
        return _no_data(title, "未发现热点问题")
    h = hot.sort_values("heat", ascending=False, kind="stable").head(top)
    fig = _figure(10, 0.36 * len(h) + 1.2)
    ax = fig.add_subplot()
    y = np.arange(len(h))
    ax.barh(y, h["heat"].astype("float64").to_numpy(), color="#ef6c00")
    ax.set_yticks(y, [f"{_short(t, 24)}（{int(c)}条）" for t, c in zip(h["representative"], h["count"])],
                  fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("热度")
    ax.set_title(title)
    return fig


def influence_figure(influence: pd.DataFrame) -> Figure:
    """Influence index of the leading accounts, coloured by platform.

    Examples
    --------
    >>> t = pd.DataFrame({"influence_rank": [1], "unit": ["金安区"], "account_name": ["金安发布"],
    ...                   "platform": ["weibo"], "influence": [7.5]})
    >>> len(influence_figure(t).axes[0].patches)
    1
    """
    title = "账号影响力排行"
    if influence is None or influence.empty:
        return _no_data(title)
    t = influence
    fig = _figure(10, 0.26 * len(t) + 1.3)
    ax = fig.add_subplot()
    y = np.arange(len(t))
    plat = t["platform"].astype("str")
    ax.barh(y, t["influence"].astype("float64").to_numpy(), color=plat.map(PLATFORM_COLORS).fillna("#777777"))
    ax.set_yticks(y, [f"{int(r)}. {_short(n, 16)}（{_short(u, 8)}）" for r, n, u in
                      zip(t["influence_rank"], t["account_name"], t["unit"])], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("影响力指数")
    ax.set_title(title)
    present = [p for p in PLATFORM_LABELS if p in set(plat)]
    ax.legend(handles=[Patch(color=PLATFORM_COLORS.get(p, "#777777"), label=PLATFORM_LABELS[p]) for p in present],
              loc="lower right")
    return fig


def influence_by_platform_figure(account_scores: pd.DataFrame, top: int = 8) -> Figure:
    """The ``top`` accounts by influence within each platform, one panel per platform.

    Examples
    --------
    >>> a = pd.DataFrame({"unit": ["甲", "乙"], "account_id": ["1", "2"], "account_name": ["A", "B"],
    ...                   "platform": ["weibo", "app"], "influence": [3.0, 5.0]})
    >>> [ax.get_title() for ax in influence_by_platform_figure(a).axes]
    ['微博', '客户端']
    """
    title = "各平台账号影响力前列"
    if account_scores is None or account_scores.empty or "influence" not in account_scores:
        return _no_data(title)
    a = account_scores[account_scores["influence"].notna().to_numpy()]
    plats = [p for p in PLATFORM_LABELS if (a["platform"].astype("str") == p).any()]
    if not plats:
        return _no_data(title)
    fig = _figure(4.2 * len(plats), 0.3 * top + 1.4)
    axes = fig.subplots(1, len(plats), squeeze=False)[0]
    for ax, p in zip(axes, plats):
        part = a[(a["platform"].astype("str") == p).to_numpy()].sort_values(
            ["influence", "account_id"], ascending=[False, True], kind="stable").head(top)
        y = np.arange(len(part))
        v = part["influence"].astype("float64").to_numpy()
        ax.barh(y, v, color=PLATFORM_COLORS.get(p, "#777777"))
        ax.set_yticks(y, [f"{i + 1}. {_short(n, 12)}" for i, n in enumerate(part["account_name"])], fontsize=8)
        ax.invert_yaxis()
        lo, hi = (float(v.min()), float(v.max())) if len(v) else (0.0, 1.0)
        left = max(0.0, lo - (hi - lo) * 0.5) if len(v) > 1 else 0.0
        right = hi * 1.02 if hi > left else left + 1.0
        ax.set_xlim(left, right)
        ax.set_title(PLATFORM_LABELS[p])
        ax.set_xlabel("影响力指数")
    fig.suptitle(title)
    return fig


def quarantine_figure(summary: pd.DataFrame) -> Figure:
    """Quarantined input rows by table and reason (a :func:`tables.quarantine_summary`).

    Examples
    --------
    >>> s = pd.DataFrame({"table": ["posts"], "file": ["p.csv"], "column": ["published_at"],
    ...                   "reason": ["bad_datetime"], "count": [3]})
    >>> len(quarantine_figure(s).axes[0].patches)
    1
    """
    from liuan_eval.schemas import TABLE_LABELS

    title = "隔离的数据行（按数据表和原因）"
    if summary is None or summary.empty:
        return _no_data(title, "没有隔离的数据行")
    g = summary.groupby(["table", "reason"], sort=True)["count"].sum().sort_values(ascending=False,
                                                                                   kind="stable")
    fig = _figure(9, 0.3 * len(g) + 1.2)
    ax = fig.add_subplot()
    y = np.arange(len(g))
    ax.barh(y, g.to_numpy(dtype="float64"), color="#8e24aa")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_yticks(y, [f"{TABLE_LABELS.get(t, t)}：{REASON_LABELS.get(r, r)}" for t, r in g.index], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("行数")
    ax.set_title(title)
    return fig


#: Short Chinese names of the quarantine reasons, for chart labels (from validation.Reason).
REASON_LABELS = {r.value: r.short for r in Reason}
