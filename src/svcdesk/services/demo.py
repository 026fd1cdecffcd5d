"""The demo and benchmark data generator: realistic callers, places and requests, tickets in
every state of their life, bound groups, callbacks, calls and an audit trail.

Tickets are not pushed through the use cases one by one (that would take an hour for a
million); their life is simulated with the same domain rules — the same limits, the same
working calendar, the same transitions and the same fields as the services set — and written
in bulk (``store.bulk``): a million tickets with their calls, callbacks and audit trail in
about a minute on two cores.

Speed comes from plain data: times are whole seconds since the epoch (UTC) until the loader
formats them, random picks index into tuples, and the working-day limits, which depend only
on the local day a step happened, are computed once per day by the domain's own functions.
"""

from __future__ import annotations

import random
import time as wall
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import accumulate
from zoneinfo import ZoneInfo

from svcdesk.domain import limits
from svcdesk.domain.calendar import WorkCalendar
from svcdesk.domain.categories import HANDLING, Handling, Mode
from svcdesk.domain.states import Status
from svcdesk.services.factory import Services
from svcdesk.store import bulk, repo

DEMO_ACCOUNTS = (
    ("agent1", "agent", "话务员一"),
    ("agent2", "agent", "话务员二"),
    ("lead1", "lead", "班长一"),
    ("office1", "office", "热线办"),
)
DEMO_PASSWORD = "demo"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国玉兰志强海燕红梅晓东文婷春花永明建华小红国庆丽华"
DISTRICTS = ("西湖区", "上城区", "拱墅区", "滨江区", "萧山区", "余杭区", "临平区", "钱塘区")
STREETS = (
    "文三路",
    "天目山路",
    "莫干山路",
    "延安路",
    "解放路",
    "庆春路",
    "江南大道",
    "市心路",
    "教工路",
    "学院路",
    "古墩路",
    "文一西路",
    "秋涛路",
    "东新路",
    "建国北路",
    "凤起路",
    "体育场路",
    "环城北路",
    "留和路",
    "丰潭路",
    "紫金港路",
    "湖墅南路",
    "秋石高架",
    "滨盛路",
)
PLACES = (
    "小区",
    "花园",
    "公寓",
    "新村",
    "家园",
    "苑",
    "农贸市场",
    "公交站",
    "路口",
    "地铁站出口",
    "菜场",
    "学校门口",
    "公园",
    "商业街",
    "工地",
)
DETAILS: dict[str, tuple[str, ...]] = {
    "suggestion": (
        "建议在{p}增设公交站点,方便附近居民出行。",
        "建议{p}附近增加非机动车停放点。",
        "建议延长{p}周边公共厕所开放时间。",
    ),
    "general_request": (
        "{p}路灯已经坏了一个多星期,晚上出行不安全,希望尽快维修。",
        "{p}附近夜间施工噪音很大,影响休息,希望有关部门处理。",
        "{p}下水道堵塞,污水外溢,气味很大。",
        "{p}小区电梯经常故障,物业不处理。",
        "{p}路面破损严重,有积水,行人通行困难。",
        "{p}垃圾清运不及时,已经堆放三天。",
    ),
    "help": (
        "家中老人独居{p},行动不便,希望社区帮忙联系送餐服务。",
        "{p}自来水突然停水,家里有老人孩子,请帮忙联系抢修。",
        "{p}楼道有燃气味,担心泄漏,请联系燃气公司。",
        "被拖欠工资三个月,单位在{p},请求帮助。",
    ),
    "complaint": (
        "{p}有商户占道经营,多次反映未解决。",
        "在{p}办事窗口工作人员态度恶劣,推诿不办。",
        "{p}餐馆油烟直排,影响居民生活。",
        "{p}工地渣土车夜间运输抛洒,路面污染严重。",
    ),
    "inquiry": (
        "咨询{p}附近居住证办理需要哪些材料。",
        "咨询公积金提取的条件和办理地点。",
        "咨询孩子入学报名时间和学区划分。",
        "咨询医保异地就医备案怎么办理。",
    ),
    "praise": ("表扬{p}社区工作人员热心帮助解决了问题。", "感谢热线上次帮忙协调解决{p}停水问题,效率很高。"),
}
REPLIES = (
    "经现场核查,问题属实,已安排人员处理完毕,并已与来电人联系说明。",
    "已责成属地街道督促整改,目前已整改到位。",
    "经核实,该事项已列入年度计划,预计下月完成,已向来电人解释。",
    "已联系相关单位现场处置,问题已解决。",
)
HANDLERS = ("王工", "李科长", "张主任", "值班员", "陈队长", "")
RETURNS = ("该事项不属于我单位职责范围,建议转交属地街道。", "地址不在我单位辖区。", "事项已由其他部门办理。")
UNSATISFIED = ("问题没有解决,只是来看了一下。", "回复与实际情况不符。", "处理太慢,仍在持续。")
DIRECT_RESULTS = {"inquiry": "已答复来电人", "": "已按规定向来电人说明并办结"}
SHARE = {
    "suggestion": 0.06,
    "general_request": 0.42,
    "help": 0.12,
    "complaint": 0.18,
    "inquiry": 0.19,
    "praise": 0.03,
}
# When a subtype allows several modes, how often the first one is chosen.
FIRST_MODE = 0.7

TICKET_COLUMNS = (
    "id",
    "number",
    "status",
    "category",
    "subtype",
    "mode",
    "urgent",
    "major",
    "caller_name",
    "anonymous",
    "caller_phone",
    "event_time",
    "place",
    "details",
    "direct_result",
    "unit_id",
    "handover_contact",
    "handling_days",
    "round",
    "supervised",
    "escalated",
    "group_id",
    "call_id",
    "accepted_by_id",
    "created_at",
    "dispatch_due_at",
    "dispatched_at",
    "first_dispatched_at",
    "due_at",
    "due_provisional",
    "replied_at",
    "reply_text",
    "reply_handler",
    "return_reason",
    "callback_due_at",
    "callback_due_provisional",
    "callback_next_at",
    "callback_result",
    "called_back_at",
    "closed_at",
    "close_reason",
    "deadline_at",
    "updated_at",
)
CALL_COLUMNS = ("id", "agent_id", "phone", "started_at", "ended_at", "closing_line")
AUDIT_COLUMNS = ("at", "account_id", "ticket_id", "action", "note")
CALLBACK_COLUMNS = ("ticket_id", "agent_id", "at", "result", "note", "next_at", "round")
LINK_COLUMNS = ("ticket_id", "other_id", "kind", "created_at", "created_by_id")

HOUR = 3600
DAY = 86400

AWAITING_DISPATCH = Status.AWAITING_DISPATCH.value
WITH_UNIT = Status.WITH_UNIT.value
AWAITING_CALLBACK = Status.AWAITING_CALLBACK.value
SUPERVISED = Status.SUPERVISED.value
CLOSED = Status.CLOSED.value


@dataclass
class DemoResult:
    tickets: int
    audit_rows: int
    callbacks: int
    links: int
    seconds: float
    calls: int = 0


class _Limits:
    """The domain's limits on epoch seconds, each working-day limit computed once per local day."""

    def __init__(self, cal: WorkCalendar, tz: ZoneInfo) -> None:
        self.cal = cal
        self.tz = tz
        self._days: dict[int, date] = {}
        self._handling: dict[tuple[date, int], tuple[int, bool]] = {}
        self._callback: dict[date, tuple[int, bool]] = {}

    def moment(self, ts: int) -> datetime:
        return datetime.fromtimestamp(ts, UTC)

    def local_day(self, ts: int) -> date:
        # Time zones move by whole quarters of an hour: a quarter never straddles midnight.
        quarter = ts // 900
        day = self._days.get(quarter)
        if day is None:
            day = self._days[quarter] = datetime.fromtimestamp(quarter * 900, self.tz).date()
        return day

    def handling_due(self, ts: int, days: int, urgent: bool) -> tuple[int, bool]:
        if urgent:
            return ts + int(limits.URGENT_LIMIT.total_seconds()), False
        key = (self.local_day(ts), days)
        found = self._handling.get(key)
        if found is None:
            due = limits.handling_due(self.moment(ts), days, False, self.cal, self.tz)
            found = self._handling[key] = (int(due.at.timestamp()), due.provisional)
        return found

    def callback_due(self, ts: int) -> tuple[int, bool]:
        key = self.local_day(ts)
        found = self._callback.get(key)
        if found is None:
            due = limits.callback_due(self.moment(ts), self.cal, self.tz)
            found = self._callback[key] = (int(due.at.timestamp()), due.provisional)
        return found

    def unreachable_after(self, first_attempt: int) -> int:
        return int(limits.unreachable_after(self.moment(first_attempt), self.cal, self.tz).at.timestamp())


class _Ticket:
    """What changes along a ticket's simulated life (the rest goes straight into its row)."""

    __slots__ = (
        "agent",
        "callback_due",
        "callback_due_provisional",
        "callback_next",
        "callback_result",
        "called_back",
        "close_reason",
        "closed",
        "deadline",
        "dispatch_due",
        "dispatched",
        "due",
        "due_provisional",
        "escalated",
        "first_dispatched",
        "handling_days",
        "id",
        "mode",
        "replied",
        "reply_handler",
        "reply_text",
        "return_reason",
        "round",
        "status",
        "supervised",
        "unit_id",
        "updated",
        "urgent",
    )

    def __init__(self, tid: int, agent: int, mode: str, urgent: bool, created: int) -> None:
        self.id = tid
        self.agent = agent
        self.mode = mode
        self.urgent = urgent
        self.status = CLOSED
        self.unit_id: int | None = None
        self.handling_days: int | None = None
        self.round = 1
        self.supervised = False
        self.escalated = False
        self.dispatch_due: int | None = None
        self.dispatched: int | None = None
        self.first_dispatched: int | None = None
        self.due: int | None = None
        self.due_provisional = False
        self.replied: int | None = None
        self.reply_text = ""
        self.reply_handler = ""
        self.return_reason = ""
        self.callback_due: int | None = None
        self.callback_due_provisional = False
        self.callback_next: int | None = None
        self.callback_result: str | None = None
        self.called_back: int | None = None
        self.closed: int | None = None
        self.close_reason = ""
        self.deadline: int | None = None
        self.updated = created


class _Life:
    """Walks tickets through dispatch, return, reply, callbacks, second round and supervision
    as far as ``now`` allows, appending the audit trail and the callbacks as it goes."""

    def __init__(
        self,
        rng: random.Random,
        lim: _Limits,
        now: int,
        lead: int,
        office: int,
        units: list[tuple[int, str, str]],
    ) -> None:
        self.rnd = rng.random
        self.triangular = rng.triangular
        self.lim = lim
        self.now = now
        self.lead = lead
        self.office = office
        self.units = units
        self.audit: list[bulk.Row] = []
        self.callbacks: list[bulk.Row] = []

    def _log(self, at: int, account: int, tid: int, action: str, note: str) -> None:
        self.audit.append((at, account, tid, action, note))

    def dispatch(self, t: _Ticket, at: int, unit: tuple[int, str, str]) -> None:
        rnd = self.rnd
        if at > self.now:  # the lead has not dispatched it yet
            t.status = AWAITING_DISPATCH
            t.deadline = t.dispatch_due
            return
        days = 3 if rnd() < 0.25 else 5
        redispatch = t.dispatched is not None
        due, provisional = self.lim.handling_due(at, days, t.urgent)
        t.status = WITH_UNIT
        t.unit_id = unit[0]
        t.dispatched = at
        t.first_dispatched = t.first_dispatched or at
        t.handling_days = days
        t.due, t.due_provisional = due, provisional
        t.return_reason = ""
        t.deadline = due
        t.updated = at
        by = t.agent if t.mode == "phone_handover" and not redispatch else self.lead
        limit = "urgent, due in 24 hours" if t.urgent else f"{days} working days"
        self._log(
            at,
            by,
            t.id,
            "dispatch",
            f"{'re-dispatched' if redispatch else 'dispatched'} to {unit[1]}, {limit}",
        )
        if t.mode == "transfer" and rnd() < 0.03:  # the unit returns it (退回)
            back = at + int(self.triangular(1, 20, 4) * HOUR)
            if back <= self.now:
                t.status = AWAITING_DISPATCH
                t.unit_id = None
                t.due, t.due_provisional = None, False
                t.return_reason = RETURNS[int(rnd() * len(RETURNS))]
                t.dispatch_due = back + HOUR
                t.deadline = t.dispatch_due
                t.updated = back
                self._log(back, self.lead, t.id, "return", f"returned by {unit[1]}: {t.return_reason}")
                other = self.units[int(rnd() * len(self.units))]
                self.dispatch(t, back + int(self.triangular(10, 120, 30) * 60), other)
                return
        self.reply(t, at, due, unit)

    def reply(self, t: _Ticket, dispatched: int, due: int, unit: tuple[int, str, str]) -> None:
        rnd = self.rnd
        now = self.now
        at = dispatched + int((due - dispatched) * self.triangular(0.05, 1.3, 0.5))
        if at > now:  # still with the unit
            if rnd() < 0.3 and now - dispatched > 4 * HOUR:
                self._log(dispatched + (now - dispatched) // 2, self.lead, t.id, "remind", "请按时办结")
            if rnd() < 0.01:
                t.escalated = True
                self._log(dispatched + (now - dispatched) // 3, self.lead, t.id, "escalate", "热点难点事项")
            if rnd() < 0.02:
                when = now - (now - dispatched) // 4
                t.status = SUPERVISED
                t.supervised = True
                t.updated = when
                self._log(when, self.office, t.id, "supervise", "热点难点事项督办")
            return
        t.status = AWAITING_CALLBACK
        t.replied = at
        t.reply_text = REPLIES[int(rnd() * len(REPLIES))]
        t.reply_handler = HANDLERS[int(rnd() * len(HANDLERS))]
        t.callback_due, t.callback_due_provisional = self.lim.callback_due(at)
        t.callback_next = None
        t.deadline = t.callback_due
        t.updated = at
        self._log(at, self.lead, t.id, "reply", t.reply_text)
        self.call_back(t, at + int(self.triangular(1, 60, 18) * HOUR), unit)

    def call_back(self, t: _Ticket, at: int, unit: tuple[int, str, str]) -> None:
        rnd = self.rnd
        first_unreached: int | None = None
        # Some callers never pick up (a wrong number, a phone switched off for days).
        unreached = 0.7 if rnd() < 0.04 else 0.05
        while at <= self.now:
            roll = rnd()
            result = (
                "unreached"
                if roll < unreached
                else "satisfied"
                if roll < 0.66
                else "basically_satisfied"
                if roll < 0.84
                else "unsatisfied"
                if roll < 0.95
                else "unreached"
            )
            note = UNSATISFIED[int(rnd() * len(UNSATISFIED))] if result == "unsatisfied" else ""
            round_at_call = t.round
            t.callback_result = result
            t.called_back = at
            t.updated = at
            if result in ("satisfied", "basically_satisfied"):
                t.status = CLOSED
                t.closed, t.close_reason = at, "callback"
                t.callback_next = t.deadline = None
                text = note
            elif result == "unreached":
                if first_unreached is not None and at >= self.lim.unreachable_after(first_unreached):
                    t.status = CLOSED
                    t.closed, t.close_reason = at, "unreachable"
                    t.callback_next = t.deadline = None
                    text = "not reached for two working days: closed as unreachable"
                else:
                    first_unreached = first_unreached or at
                    t.callback_next = at + int(self.triangular(2, 24, 4) * HOUR)
                    text = "not reached; next attempt agreed"
            elif t.round >= 2:  # unsatisfied again: to the office
                t.status = SUPERVISED
                t.supervised = True
                t.callback_next = None
                t.deadline = t.due or t.dispatch_due
                text = f"unsatisfied again in round {t.round}: to the office for supervision; {note}"
            else:  # unsatisfied: a second round
                t.status = AWAITING_DISPATCH
                t.round = 2
                t.dispatch_due = at + HOUR
                t.due, t.due_provisional = None, False
                t.callback_next = None
                t.deadline = t.dispatch_due
                text = f"unsatisfied: second round, to be re-dispatched; {note}"
            self.callbacks.append((t.id, t.agent, at, result, note, t.callback_next, round_at_call))
            self._log(at, t.agent, t.id, f"callback_{result}", text)
            if t.status == AWAITING_CALLBACK:
                assert t.callback_next is not None
                at = t.callback_next + int(self.triangular(0, 3, 0.5) * HOUR)
                continue
            if t.status == AWAITING_DISPATCH:
                self.dispatch(t, at + int(self.triangular(5, 120, 30) * 60), unit)
            elif t.status == SUPERVISED:
                closing = at + int(self.triangular(1, 10, 3) * DAY)
                if closing <= self.now:
                    t.status = CLOSED
                    t.closed, t.close_reason = closing, "office"
                    t.deadline = None
                    t.updated = closing
                    self._log(closing, self.office, t.id, "close", "经督办已办结")
            return


def ensure_accounts(services: Services) -> list[str]:
    """Adds the demo accounts that are missing; the usernames added."""
    created = []
    for username, role, display in DEMO_ACCOUNTS:
        if not services.accounts.exists(username):
            services.accounts.add(None, username, DEMO_PASSWORD, role, display)
            created.append(username)
    return created


def ticket_count(services: Services) -> int:
    with services.db.read() as s:
        return repo.count_tickets(s)


def _handlings() -> tuple[list[Handling], list[float]]:
    handlings = list(HANDLING.values())
    per_category = {c: sum(1 for h in handlings if h.category == c) for c in SHARE}
    weights = [SHARE[h.category] / per_category[h.category] for h in handlings]
    return handlings, list(accumulate(weights))


def generate(
    services: Services,
    tickets: int,
    *,
    seed: int = 12345,
    days: int | None = None,
    progress: Callable[[int], None] | None = None,
    batch: int = 50_000,
) -> DemoResult:
    """Adds ``tickets`` demo tickets created over the last ``days`` days (by default about
    2,700 a day, a big city's hotline, up to a year), ending at the clock's now."""
    started = wall.perf_counter()
    rng = random.Random(seed)
    rnd = rng.random
    tz: ZoneInfo = services.settings.tz
    now = int(services.clock.now().timestamp())
    span_days = days or max(14, min(365, tickets // 2700 + 14))
    start = now - span_days * DAY
    lim = _Limits(services.calendar.calendar(), tz)
    with services.db.read() as s:
        units = bulk.unit_ids(s)
        accounts = bulk.account_ids(s)
        next_id = bulk.max_ticket_id(s) + 1
        next_call = bulk.max_call_id(s) + 1
        counters = bulk.counters(s)
    if not units:
        raise RuntimeError("no handling units: run `svcdesk init` first")
    agents = [accounts[a] for a in ("agent1", "agent2") if a in accounts] or list(accounts.values())
    if not agents:
        raise RuntimeError("no accounts: create the demo accounts first")
    lead = accounts.get("lead1", agents[0])
    office = accounts.get("office1", lead)
    dispatchable = [u for u in units if u[2] != "utility"] or units
    utilities = [u for u in units if u[2] == "utility"] or units
    callers = [(_phone(rng), _name(rng)) for _ in range(max(10, tickets // 3))]
    handlings, cum = _handlings()
    total_weight = cum[-1]
    life = _Life(rng, lim, now, lead, office, dispatchable)

    span = now - start
    # More calls by day than by night, and numbers in order: draw the times, then sort them.
    offsets = sorted(int(rnd() ** 0.9 * span) for _ in range(tickets))
    day_texts: dict[int, str] = {}  # local day (by quarter hour) -> YYYYMMDD
    # open tickets by place: the first one (its id and number) and the unit it went to
    recent_open: dict[str, tuple[int, str, tuple[int, str, str]]] = {}
    recent_places: list[str] = []
    heads: set[int] = set()
    totals = {"audit": 0, "callbacks": 0, "links": 0, "calls": 0}
    done = 0

    with bulk.bulk_load(services.db) as loader:
        rows: list[bulk.Row] = []
        calls: list[bulk.Row] = []
        links: list[bulk.Row] = []

        def flush() -> None:
            nonlocal rows, calls, links, done
            loader.add("call", CALL_COLUMNS, calls)
            loader.add("ticket", TICKET_COLUMNS, rows)
            loader.add("audit", AUDIT_COLUMNS, life.audit)
            loader.add("callback", CALLBACK_COLUMNS, life.callbacks)
            loader.add("ticketlink", LINK_COLUMNS, links)
            totals["audit"] += len(life.audit)
            totals["callbacks"] += len(life.callbacks)
            totals["links"] += len(links)
            totals["calls"] += len(calls)
            done += len(rows)
            if progress:
                progress(len(rows))
            rows, calls, links = [], [], []
            life.audit, life.callbacks = [], []

        for off in offsets:
            created = start + off
            h = handlings[bisect(cum, rnd() * total_weight)]
            tid = next_id
            next_id += 1
            quarter = created // 900
            day = day_texts.get(quarter)
            if day is None:
                day = day_texts[quarter] = lim.local_day(created).strftime("%Y%m%d")
            serial = counters.get(day, 0) + 1
            counters[day] = serial
            number = f"{day}-{serial:04d}"
            phone, name = callers[int(rnd() * len(callers))]
            anonymous = rnd() < 0.03
            if recent_places and rnd() < 0.04:
                place = recent_places[int(rnd() * len(recent_places))]
            else:
                place = (
                    DISTRICTS[int(rnd() * len(DISTRICTS))]
                    + STREETS[int(rnd() * len(STREETS))]
                    + f"{int(rnd() * 399) + 1}号"
                    + PLACES[int(rnd() * len(PLACES))]
                )
            templates = DETAILS[h.category]
            details = templates[int(rnd() * len(templates))].format(p=place)
            agent = agents[int(rnd() * len(agents))]
            mode = h.modes[0] if len(h.modes) == 1 or rnd() < FIRST_MODE else h.modes[1]
            urgent = mode is Mode.PHONE_HANDOVER or (
                h.subtype in ("urgent", "complex_urgent") and rnd() < 0.5
            )
            major = h.always_major or (h.category == "complaint" and rnd() < 0.03)
            t = _Ticket(tid, agent, mode.value, urgent, created)
            note = f"{mode.value}: {h.key}"
            if major:
                note += "; flagged major, the lead and the office are told"
            life._log(created, agent, tid, "submit", note)
            direct_result = ""
            handover_contact = ""
            unit = None
            if mode is Mode.DIRECT:
                t.closed, t.close_reason = created, "direct"
                direct_result = DIRECT_RESULTS.get(h.category, DIRECT_RESULTS[""])
            else:
                t.dispatch_due = created + HOUR
                bound = recent_open.get(place)
                if mode is Mode.PHONE_HANDOVER:
                    unit = utilities[int(rnd() * len(utilities))]
                    handover_contact = "值班员"
                    life.dispatch(t, created, unit)
                else:
                    unit = bound[2] if bound else dispatchable[int(rnd() * len(dispatchable))]
                    life.dispatch(t, created + int(rng.triangular(3, 90, 25) * 60), unit)
            group_id = None
            if t.status != CLOSED:
                bound = recent_open.get(place)
                if bound is not None and rnd() < 0.7:  # 多人反映同件事: bound at intake
                    head, head_number, _unit = bound
                    group_id = head
                    heads.add(head)
                    links.append((tid, head, "same_matter", created, agent))
                    life._log(created, agent, tid, "bind", f"same_matter as {head_number}")
                    life._log(created, agent, head, "bind", f"same_matter: {number} bound to it")
                elif bound is None and unit is not None:
                    recent_open[place] = (tid, number, unit)
                    recent_places.append(place)
                    if len(recent_places) > 500:
                        recent_open.pop(recent_places.pop(0), None)
            call_started = created - int(rng.triangular(60, 600, 180))
            calls.append(
                (
                    next_call,
                    agent,
                    phone,
                    call_started,
                    created + int(rnd() * 50) + 10,
                    "closing.0" if mode is Mode.DIRECT else "closing.1",
                )
            )
            rows.append(
                (
                    tid,
                    number,
                    t.status,
                    h.category,
                    h.subtype,
                    t.mode,
                    t.urgent,
                    major,
                    None if anonymous else name,
                    anonymous,
                    phone,
                    created - int(rng.triangular(10, 72 * 60, 120)) * 60,
                    place,
                    details,
                    direct_result,
                    t.unit_id,
                    handover_contact,
                    t.handling_days,
                    t.round,
                    t.supervised,
                    t.escalated,
                    group_id,
                    next_call,
                    agent,
                    created,
                    t.dispatch_due,
                    t.dispatched,
                    t.first_dispatched,
                    t.due,
                    t.due_provisional,
                    t.replied,
                    t.reply_text,
                    t.reply_handler,
                    t.return_reason,
                    t.callback_due,
                    t.callback_due_provisional,
                    t.callback_next,
                    t.callback_result,
                    t.called_back,
                    t.closed,
                    t.close_reason,
                    t.deadline,
                    t.updated,
                )
            )
            next_call += 1
            if len(rows) >= batch:
                flush()
        flush()
        loader.name_groups(sorted(heads))
        loader.set_counters(counters)
    return DemoResult(
        done,
        totals["audit"],
        totals["callbacks"],
        totals["links"],
        wall.perf_counter() - started,
        totals["calls"],
    )


def _phone(rng: random.Random) -> str:
    return ("138", "139", "135", "136", "150", "151", "158", "159", "177", "180", "186", "189")[
        rng.randrange(12)
    ] + f"{rng.randrange(10**8):08d}"


def _name(rng: random.Random) -> str:
    g = rng.choice(GIVEN)
    if rng.random() < 0.6:
        g += rng.choice(GIVEN)
    return rng.choice(SURNAMES) + g
