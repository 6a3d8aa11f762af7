"""The demo city's 12345 loop: boundaries, categories, directory, knowledge base, devices, the
integrator's Open311 key, and demo events in every state (``load_demo`` runs it).

Everything goes through the events services. Safe to run again: what exists is left as it
is (a second run changes nothing and audits nothing). The district boundaries are
DataV-derived demo data, "learning and exchange only" (data/geo/SOURCE.md).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from yiwang.demo.data import events as data
from yiwang.events import services
from yiwang.events.models import (
    ApiKey,
    Category,
    Device,
    DispatchDirectory,
    District,
    Event,
    ExtensionRequest,
    KnowledgeArticle,
)
from yiwang.events.types import Place, Reporter
from yiwang.identity.models import Department, Region, User

BOUNDARIES = Path(__file__).parent / "data" / "geo" / "jinan_districts.geojson"
BOUNDARIES_SOURCE = "demo: geotool-cn 3.1.0 (DataV.GeoAtlas / Amap), learning and exchange only"


def _categories() -> tuple[int, int]:
    created = unchanged = 0
    by_code: dict[str, Category] = {c.code: c for c in Category.objects.all()}
    for code, parent, zh, en, options in data.CATEGORIES:
        if code in by_code:
            unchanged += 1
            continue
        by_code[code] = Category.objects.create(
            code=code,
            parent=by_code[parent] if parent else None,
            name_zh=zh,
            name_en=en,
            **options,
        )
        created += 1
    return created, unchanged


def _directory() -> int:
    if DispatchDirectory.objects.exists():
        return 0
    categories = {c.code: c for c in Category.objects.all()}
    regions = {r.code: r for r in Region.objects.all()}
    departments = {d.code: d for d in Department.objects.all()}
    services.directory_publish(
        actor=None,
        rules=[
            (
                categories[cat],
                regions[district] if district else None,
                departments[lead],
                [departments[s] for s in supporting],
            )
            for cat, district, lead, supporting in data.DIRECTORY
        ],
        note="济南市12345派单目录（演示）",
    )
    return 1


def _articles() -> int:
    made = 0
    existing = set(KnowledgeArticle.objects.values_list("key", flat=True))
    for key, category, title, body, keywords in data.ARTICLES:
        if key in existing:
            continue
        services.article_save(
            actor=None,
            key=key,
            category=Category.objects.get(code=category),
            title=title,
            body=body,
            keywords=keywords,
        )
        made += 1
    return made


def _devices() -> int:
    made = 0
    for code, name, category, department, lat, lon, address in data.DEVICES:
        if Device.objects.filter(code=code).exists():
            continue
        Device.objects.create(
            code=code,
            name=name,
            category=Category.objects.get(code=category),
            department=Department.objects.get(code=department),
            latitude=lat,
            longitude=lon,
            address=address,
        )
        made += 1
    return made


def _api_key() -> int:
    from yiwang.events.selectors import api_key_for

    integrator = User.objects.filter(username="integrator").first()
    if integrator is None or api_key_for(data.OPEN311_DEMO_KEY) is not None:
        return 0
    if ApiKey.objects.filter(owner=integrator, name="Open311 demo").exists():
        return 0  # revoked by an administrator: left so
    services.api_key_issue(
        actor=None, owner=integrator, name="Open311 demo", raw=data.OPEN311_DEMO_KEY
    )
    return 1


def demo_open311_key() -> str:
    """The demo integrator's Open311 key if it still works, else ""."""
    from yiwang.events.selectors import api_key_for

    return data.OPEN311_DEMO_KEY if api_key_for(data.OPEN311_DEMO_KEY) is not None else ""


@transaction.atomic
def load_city_events() -> tuple[int, int]:
    """Load the section; (created, unchanged) counts of its reference rows."""
    created = 0
    if not District.objects.exists():
        created += services.districts_load(
            actor=None, geojson=BOUNDARIES.read_text(encoding="utf-8"), source=BOUNDARIES_SOURCE
        )
    made, unchanged = _categories()
    created += made + _directory() + _articles() + _devices() + _api_key()
    if not Event.objects.exists():
        created += demo_events(timezone.now())
    return created, unchanged


# --- demo events -----------------------------------------------------------------------


def demo_events(now: datetime) -> int:
    """One event in every state, at instants before ``now`` (so the cards look live)."""
    people = {u.username: u for u in User.objects.filter(username__in=_PEOPLE)}
    if set(people) != set(_PEOPLE):
        return 0  # an administrator removed a demo account: no demo events
    cat = {c.code: c for c in Category.objects.all()}
    op, sup = people["hotline"], people["supervisor"]
    citizen = people["citizen"]
    h = timedelta(hours=1)
    count = 0

    def call(code: str, point: tuple[float, float], text: str, at: datetime, **kw: Any) -> Event:
        nonlocal count
        count += 1
        reporter = kw.pop("reporter", Reporter(phone="13905310001", name="王女士"))
        channel = kw.pop("channel", "hotline")
        return services.event_register(
            actor=citizen if channel == "web" else op,
            channel=channel,
            category=cat[code],
            reporter=reporter,
            place=Place(*point, address=kw.pop("address", "")),
            description=text,
            attributes={"demo": True},
            at=at,
            **kw,
        )

    # Registered, waiting for dispatch (路灯不亮, 千佛山, 历下区).
    call("010102", (36.6398, 117.0372), "千佛山北门路灯不亮，晚上很黑", now - timedelta(minutes=10),
         address="历下区千佛山路")  # fmt: skip
    # Dispatched from the directory, not signed (井盖缺失, 泉城广场): a 1-hour sign-for limit.
    t = now - 2 * h
    manhole = call("010101", (36.6617, 117.0196), "泉城广场东侧井盖缺失", t, address="泉城广场")
    manhole = services.event_dispatch(actor=op, event=manhole, at=t + timedelta(minutes=1))
    # A duplicate of it, merged (并单).
    dup = call("010101", (36.6619, 117.0197), "泉城广场有个井盖没了", t + timedelta(minutes=20),
               reporter=Reporter(phone="13605310002", name="李先生"))  # fmt: skip
    services.event_merge(actor=op, event=dup, into=manhole, at=t + timedelta(minutes=21))
    # Being handled (噪声扰民, 经四路, 市中区), signed three days ago.
    t = now - timedelta(days=3)
    noise = call("0301", (36.6570, 116.9950), "经四路工地夜间施工噪声扰民", t)
    noise = services.event_dispatch(actor=op, event=noise, at=t + timedelta(minutes=2))
    services.event_sign(actor=people["handler_sthj"], event=noise, at=t + h)
    services.event_handle(
        actor=people["handler_sthj"],
        event=noise,
        note="已联系施工单位，核查夜间施工许可",
        at=t + 3 * h,
    )
    # Returned by the transport bureau (道路破损 dispatched to it), waiting for reassignment.
    t = now - 5 * h
    road = call("010103", (36.6750, 117.0226), "大明湖路路面塌陷", t)
    road = services.event_dispatch(actor=op, event=road, at=t + timedelta(minutes=1))
    services.event_return(
        actor=people["handler_jtj"], event=road, reason="该路段属市政道路，由城管部门养护",
        at=t + 2 * h,
    )  # fmt: skip
    # Disputed by the district bureau (违章建筑, 历下区), waiting for arbitration.
    t = now - timedelta(days=1)
    build = call("0202", (36.6500, 117.0600), "小区楼顶私搭乱建", t)
    build = services.event_dispatch(actor=op, event=build, at=t + timedelta(minutes=2))
    services.event_dispute(
        actor=people["handler_lixia"], event=build, reason="涉及规划审批，应由自然资源和规划局主办",
        at=t + 2 * h,
    )  # fmt: skip
    # A neighbourhood matter the directory gives the street office in 历下区 (楼道堆物),
    # dispatched, waiting for the street office to sign for it.
    t = now - timedelta(minutes=40)
    stairs = call("0204", (36.6640, 117.0225), "楼道堆满杂物，堵住了消防通道", t,
                  address="历下区泉城路")  # fmt: skip
    services.event_dispatch(actor=op, event=stairs, at=t + timedelta(minutes=2))
    # Answered, awaiting the citizen's rating by the link sent to them (垃圾清运, 历下区,
    # reported on the web).
    t = now - timedelta(days=2)
    trash = call("0203", (36.6600, 117.0500), "小区门口垃圾两天没清运", t, channel="web",
                 reporter=Reporter(phone="13805310001", name="张明", citizen=citizen))  # fmt: skip
    trash = services.event_dispatch(actor=op, event=trash, at=t + timedelta(minutes=3))
    services.event_sign(actor=people["handler_lixia"], event=trash, at=t + h)
    services.event_reply(
        actor=people["handler_lixia"], event=trash, outcome="resolved",
        result="已协调环卫公司清运并增加频次", reply="您反映的垃圾已清运，已要求每日清运。",
        at=t + 5 * h,
    )  # fmt: skip
    # Closed after a good callback (公交服务).
    t = now - timedelta(days=4)
    bus = call("0402", (36.6700, 117.0000), "K51路公交车晚点严重", t)
    bus = services.event_dispatch(actor=op, event=bus, at=t + timedelta(minutes=2))
    services.event_sign(actor=people["handler_jtj"], event=bus, at=t + h)
    services.event_reply(
        actor=people["handler_jtj"], event=bus, outcome="explained",
        result="已核查调度记录", reply="高峰期道路拥堵导致晚点，已增加高峰班次。", at=t + 6 * h,
    )  # fmt: skip
    services.event_callback(
        actor=op, event=bus, satisfaction="satisfied", resolved=True, at=t + timedelta(days=1)
    )
    # Answered on the spot from the knowledge base (直办).
    t = now - timedelta(hours=6)
    card = call("0501", (36.6650, 117.0300), "社保卡丢了怎么补办", t)
    article = KnowledgeArticle.objects.get(key="social-security-card-replacement", is_current=True)
    services.event_answer_directly(
        actor=op, event=card, article=article, at=t + timedelta(minutes=4)
    )
    # Reopened after a bad callback, with an extension requested and a 督办单 (大气污染).
    t = now - timedelta(days=6)
    air = call("0302", (36.6550, 117.0450), "饭店油烟直排，影响居民", t)
    air = services.event_dispatch(actor=op, event=air, at=t + timedelta(minutes=2))
    services.event_sign(actor=people["handler_sthj"], event=air, at=t + h)
    services.event_reply(
        actor=people["handler_sthj"], event=air, outcome="resolved",
        result="已责令安装油烟净化设施", reply="已责令整改。", at=t + timedelta(days=1),
    )  # fmt: skip
    services.event_callback(
        actor=op, event=air, satisfaction="dissatisfied", resolved=False,
        note="油烟仍然很大", at=t + timedelta(days=2),
    )  # fmt: skip
    request = services.event_extend_request(
        actor=people["handler_sthj"], event=air, days=5, reason="净化设施需定制安装",
        at=t + timedelta(days=2, hours=2),
    )  # fmt: skip
    assert isinstance(request, ExtensionRequest)
    services.supervision_issue(
        actor=sup, event=air, note="群众多次反映，请尽快整改到位", at=t + timedelta(days=3)
    )
    # An IoT alarm: a manhole cover tilted (dispatched at once to its owner).
    services.event_alarm(
        device_code="MH-LX-0001", alarm_type="tilt", value=32.5, at=now - timedelta(minutes=30)
    )
    return count + 1


_PEOPLE = (
    "hotline",
    "supervisor",
    "citizen",
    "handler_sthj",
    "handler_jtj",
    "handler_lixia",
)
