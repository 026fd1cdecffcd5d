"""The demo and benchmark data generator: realistic callers, places and requests, tickets in
every state of their life, bound groups, callbacks and an audit trail.

Tickets are not pushed through the use cases one by one (that would take minutes for a large
set); their life is simulated with the same domain rules — the same limits, the same working
calendar, the same transitions — and written in bulk.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from svcdesk.domain import limits
from svcdesk.domain.calendar import WorkCalendar
from svcdesk.domain.categories import HANDLING, Handling
from svcdesk.domain.states import Status
from svcdesk.services.factory import Services
from svcdesk.store import bulk

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
UNSATISFIED = ("问题没有解决,只是来看了一下。", "回复与实际情况不符。", "处理太慢,仍在持续。")


@dataclass
class DemoResult:
    tickets: int
    audit_rows: int
    callbacks: int
    links: int
    seconds: float


def _phone(rng: random.Random) -> str:
    return (
        rng.choice(("138", "139", "135", "136", "150", "151", "158", "159", "177", "180", "186", "189"))
        + f"{rng.randrange(10**8):08d}"
    )


def _name(rng: random.Random) -> str:
    g = rng.choice(GIVEN)
    if rng.random() < 0.6:
        g += rng.choice(GIVEN)
    return rng.choice(SURNAMES) + g


def _place(rng: random.Random) -> str:
    return f"{rng.choice(DISTRICTS)}{rng.choice(STREETS)}{rng.randrange(1, 400)}号{rng.choice(PLACES)}"


def _weights() -> list[tuple[Handling, float]]:
    share = {
        "suggestion": 0.06,
        "general_request": 0.42,
        "help": 0.12,
        "complaint": 0.18,
        "inquiry": 0.19,
        "praise": 0.03,
    }
    out = []
    for h in HANDLING.values():
        subs = [x for x in HANDLING.values() if x.category == h.category]
        out.append((h, share[h.category] / len(subs)))
    return out


def generate(
    services: Services,
    tickets: int,
    *,
    seed: int = 12345,
    days: int | None = None,
    progress: Callable[[int], None] | None = None,
    batch: int = 20_000,
) -> DemoResult:
    """Adds ``tickets`` demo tickets created over the last ``days`` days, ending now."""
    import time

    t0 = time.perf_counter()
    rng = random.Random(seed)
    tz: ZoneInfo = services.settings.tz
    now = services.clock.now()
    cal: WorkCalendar = services.calendar.calendar()
    span_days = days or max(14, min(365, tickets // 2500 + 14))
    start = now - timedelta(days=span_days)
    weights = _weights()
    handlings = [h for h, _ in weights]
    cum = [w for _, w in weights]
    with services.db.read() as s:
        units = bulk.unit_ids(s)
        accounts = bulk.account_ids(s)
        next_id = bulk.max_ticket_id(s) + 1
    if not units:
        raise RuntimeError("no handling units: run `svcdesk init` first")
    agents = [accounts[a] for a in ("agent1", "agent2") if a in accounts] or list(accounts.values())
    lead = accounts.get("lead1", agents[0])
    office = accounts.get("office1", lead)
    unit_by_kind = [u for u in units if u[2] != "utility"] or units
    utilities = [u for u in units if u[2] == "utility"] or units
    callers = [(_phone(rng), _name(rng)) for _ in range(max(10, tickets // 3))]

    span = (now - start).total_seconds()
    # Calls arrive more by day than by night: draw times then sort, so numbers run in order.
    offsets = sorted(rng.random() ** 0.9 * span for _ in range(tickets))
    counters: dict[str, int] = {}
    with services.db.read() as s:
        first_day = start.astimezone(tz).strftime("%Y%m%d")
        counters.update(bulk.existing_numbers_on(s, [first_day]))
    recent_open: dict[str, int] = {}
    totals = {"audit": 0, "callbacks": 0, "links": 0}
    done = 0

    def flush(
        rows: list[dict[str, Any]],
        audit: list[dict[str, Any]],
        cbs: list[dict[str, Any]],
        links: list[dict[str, Any]],
    ) -> None:
        with services.db.write() as s:
            bulk.insert_tickets(s, rows)
            bulk.insert_audit(s, audit)
            bulk.insert_callbacks(s, cbs)
            bulk.insert_links(s, links)
            bulk.set_counters(s, counters)
        totals["audit"] += len(audit)
        totals["callbacks"] += len(cbs)
        totals["links"] += len(links)

    rows: list[dict[str, Any]] = []
    audit: list[dict[str, Any]] = []
    cbs: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for off in offsets:
        created = start + timedelta(seconds=off)
        # keep to the hotline's busier hours mostly
        h = rng.choices(handlings, cum_weights=None, weights=cum)[0]
        tid = next_id
        next_id += 1
        day = created.astimezone(tz).strftime("%Y%m%d")
        counters[day] = counters.get(day, 0) + 1
        phone, name = rng.choice(callers)
        place = _place(rng)
        if recent_open and rng.random() < 0.04:
            place = rng.choice(list(recent_open))
        details = rng.choice(DETAILS[h.category]).format(p=place)
        agent = rng.choice(agents)
        mode = h.modes[0].value
        urgent = h.subtype in ("urgent", "complex_urgent") and rng.random() < 0.5
        t: dict[str, Any] = {
            "id": tid,
            "number": f"{day}-{counters[day]:04d}",
            "category": h.category,
            "subtype": h.subtype,
            "mode": mode,
            "urgent": urgent or mode == "phone_handover",
            "major": h.always_major or (h.category == "complaint" and rng.random() < 0.03),
            "caller_name": name,
            "caller_phone": phone,
            "event_time": created - timedelta(minutes=rng.randrange(10, 60 * 72)),
            "place": place,
            "details": details,
            "direct_result": "",
            "unit_id": None,
            "handover_contact": "",
            "handling_days": None,
            "round": 1,
            "supervised": False,
            "escalated": False,
            "group_id": None,
            "call_id": None,
            "accepted_by_id": agent,
            "created_at": created,
            "dispatch_due_at": None,
            "dispatched_at": None,
            "first_dispatched_at": None,
            "due_at": None,
            "due_provisional": False,
            "replied_at": None,
            "reply_text": "",
            "reply_handler": "",
            "return_reason": "",
            "callback_due_at": None,
            "callback_due_provisional": False,
            "callback_next_at": None,
            "callback_result": None,
            "called_back_at": None,
            "closed_at": None,
            "close_reason": "",
            "deadline_at": None,
            "updated_at": created,
            "status": Status.CLOSED.value,
        }
        audit.append(
            {
                "at": created,
                "account_id": agent,
                "ticket_id": tid,
                "action": "submit",
                "note": f"{mode}: {h.key}",
            }
        )
        if mode == "direct":
            t["closed_at"] = created
            t["close_reason"] = "direct"
            t["direct_result"] = "已答复来电人" if h.category == "inquiry" else "已按规定向来电人说明并办结"
        else:
            t["dispatch_due_at"] = limits.dispatch_due(created)
            if mode == "phone_handover":
                unit = rng.choice(utilities)
                at = created
                t["handover_contact"] = "值班员"
            else:
                unit = rng.choice(unit_by_kind)
                at = created + timedelta(minutes=rng.triangular(3, 90, 25))
            _life(t, rng, at, unit[0], unit[1], now, cal, tz, lead, office, audit, cbs)
            if t["status"] != Status.CLOSED.value:
                if place in recent_open and rng.random() < 0.7:
                    other = recent_open[place]
                    t["group_id"] = other
                    links.append(
                        {
                            "ticket_id": tid,
                            "other_id": other,
                            "kind": "same_matter",
                            "created_at": created,
                            "created_by_id": agent,
                        }
                    )
                    audit.append(
                        {
                            "at": created,
                            "account_id": agent,
                            "ticket_id": tid,
                            "action": "bind",
                            "note": "same_matter",
                        }
                    )
                else:
                    # a possible group's first ticket names the group
                    t["group_id"] = tid
                    recent_open[place] = tid
                    if len(recent_open) > 500:
                        recent_open.pop(next(iter(recent_open)))
        rows.append(t)
        if len(rows) >= batch:
            flush(rows, audit, cbs, links)
            done += len(rows)
            if progress:
                progress(len(rows))
            rows, audit, cbs, links = [], [], [], []
    if rows:
        flush(rows, audit, cbs, links)
        done += len(rows)
        if progress:
            progress(len(rows))
    return DemoResult(done, totals["audit"], totals["callbacks"], totals["links"], time.perf_counter() - t0)


def _life(
    t: dict[str, Any],
    rng: random.Random,
    dispatch_at: datetime,
    unit_id: int,
    unit_code: str,
    now: datetime,
    cal: WorkCalendar,
    tz: ZoneInfo,
    lead: int,
    office: int,
    audit: list[dict[str, Any]],
    cbs: list[dict[str, Any]],
) -> None:
    """Walks one ticket through dispatch, reply and callback as far as ``now`` allows."""
    tid = t["id"]
    if dispatch_at > now:
        t["status"] = Status.AWAITING_DISPATCH.value
        t["deadline_at"] = t["dispatch_due_at"]
        return
    days = rng.choice((3, 5, 5, 5))
    due = limits.handling_due(dispatch_at, days, t["urgent"], cal, tz)
    t.update(
        status=Status.WITH_UNIT.value,
        unit_id=unit_id,
        dispatched_at=dispatch_at,
        first_dispatched_at=t["first_dispatched_at"] or dispatch_at,
        handling_days=days,
        due_at=due.at,
        due_provisional=due.provisional,
        deadline_at=due.at,
    )
    audit.append(
        {
            "at": dispatch_at,
            "account_id": lead if t["mode"] != "phone_handover" else t["accepted_by_id"],
            "ticket_id": tid,
            "action": "dispatch",
            "note": f"to {unit_code}, {days} working days",
        }
    )
    total = (due.at - dispatch_at).total_seconds()
    reply_at = dispatch_at + timedelta(seconds=total * rng.triangular(0.05, 1.3, 0.5))
    if reply_at > now:
        if rng.random() < 0.3 and now > dispatch_at + timedelta(hours=4):
            audit.append(
                {
                    "at": dispatch_at + (now - dispatch_at) / 2,
                    "account_id": lead,
                    "ticket_id": tid,
                    "action": "remind",
                    "note": "请按时办结",
                }
            )
        if rng.random() < 0.02:
            t["status"] = Status.SUPERVISED.value
            t["supervised"] = True
            audit.append(
                {
                    "at": now - (now - dispatch_at) / 3,
                    "account_id": office,
                    "ticket_id": tid,
                    "action": "supervise",
                    "note": "热点难点事项督办",
                }
            )
        return
    cb_due = limits.callback_due(reply_at, cal, tz)
    t.update(
        status=Status.AWAITING_CALLBACK.value,
        replied_at=reply_at,
        reply_text=rng.choice(REPLIES),
        callback_due_at=cb_due.at,
        callback_due_provisional=cb_due.provisional,
        deadline_at=cb_due.at,
    )
    audit.append(
        {"at": reply_at, "account_id": lead, "ticket_id": tid, "action": "reply", "note": t["reply_text"]}
    )
    cb_at = reply_at + timedelta(hours=rng.triangular(1, 100, 20))
    if cb_at > now:
        return
    roll = rng.random()
    result = (
        "satisfied"
        if roll < 0.68
        else "basically_satisfied"
        if roll < 0.85
        else "unsatisfied"
        if roll < 0.95
        else "unreached"
    )
    note = rng.choice(UNSATISFIED) if result == "unsatisfied" else ""
    cbs.append(
        {
            "ticket_id": tid,
            "agent_id": t["accepted_by_id"],
            "at": cb_at,
            "result": result,
            "note": note,
            "next_at": None,
            "round": t["round"],
        }
    )
    audit.append(
        {
            "at": cb_at,
            "account_id": t["accepted_by_id"],
            "ticket_id": tid,
            "action": f"callback_{result}",
            "note": note,
        }
    )
    t.update(callback_result=result, called_back_at=cb_at)
    if result in ("satisfied", "basically_satisfied"):
        t.update(status=Status.CLOSED.value, closed_at=cb_at, close_reason="callback", deadline_at=None)
    elif result == "unreached":
        t["callback_next_at"] = cb_at + timedelta(hours=2)
    elif t["round"] >= 2:
        t.update(status=Status.SUPERVISED.value, supervised=True)
    else:
        t.update(
            round=2,
            status=Status.AWAITING_DISPATCH.value,
            due_at=None,
            due_provisional=False,
            dispatch_due_at=limits.dispatch_due(cb_at),
            deadline_at=limits.dispatch_due(cb_at),
        )
        nxt = cb_at + timedelta(minutes=rng.triangular(5, 120, 30))
        if nxt <= now and rng.random() < 0.8:
            _life(t, rng, nxt, unit_id, unit_code, now, cal, tz, lead, office, audit, cbs)
