"""A bad rating answered (整改 → 答复 → 回访) by the demo accounts who may answer it.

Issue 11: ``/workbench/rectifications/`` was 403 for every 市场监管局 account and
the only supervisor belonged to the hotline centre. Now the rated department's
head (``head_scjg``) and the 好差评 supervisor (``supervisor_zwfw``) see the task,
are notified when it opens, and reply; the citizen reads the reply by the due
date and rates it. The other accounts of the department are refused, and a
supervisor of another department does not see it.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.demo.walk import SHANGHAI, SOLE_PROPRIETOR_REGISTRATION, submit, walk_from
from tests.factories import fan_out
from yiwang.cases import services as case_services
from yiwang.cases.models import RectificationTask
from yiwang.catalog.models import ServiceVersion
from yiwang.demo.data.accounts import CITIZEN, DEMO_PASSWORD
from yiwang.identity.models import User
from yiwang.notifications.models import Notification

pytestmark = pytest.mark.django_db

RECEIVED = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)  # Monday
COMMENT = "窗口让我跑了两趟。"


@pytest.fixture
def task(demo_city):
    """A 个体工商户设立登记 of the demo citizen, completed and rated 非常不满意 (1) on
    Monday 2 March 2026 at 14:00."""
    from tests.factories import PDF_BYTES

    version = ServiceVersion.objects.get(status="published", name_zh=SOLE_PROPRIETOR_REGISTRATION)
    case, applicant = submit(version, RECEIVED, PDF_BYTES)
    case, _path = walk_from(case)
    case_services.rating_submit(
        case=case,
        applicant=applicant,
        level=1,
        comment=COMMENT,
        at=datetime(2026, 3, 2, 14, 0, tzinfo=SHANGHAI),
    )
    fan_out()  # the worker, after the commit
    return RectificationTask.objects.get(rating__case=case)


def _signed_in(client, username):
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def test_the_task_is_due_5_working_days_after_the_rating(task):
    # Rated Monday 2 March; 3, 4, 5, 6, 9 March: due at the end of Monday 9 March.
    assert task.due_at == datetime(2026, 3, 9, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    assert task.department.code == "jn-scjg"


def test_the_head_and_the_supervisor_are_notified_when_the_task_opens(task):
    notified = set(
        Notification.objects.filter(kind="rectification_opened").values_list(
            "user__username", flat=True
        )
    )

    assert notified == {"head_scjg", "supervisor_zwfw"}
    note = Notification.objects.get(kind="rectification_opened", user__username="head_scjg")
    assert note.url == f"/workbench/rectifications/#task-{task.pk}"
    assert "2026-03-09" in note.body


@pytest.mark.parametrize("username", ["head_scjg", "supervisor_zwfw"])
def test_the_head_and_the_supervisor_see_the_task_and_reply(client, task, username):
    client = _signed_in(client, username)

    page = client.get("/workbench/rectifications/")
    assert page.status_code == 200
    assert f'id="task-{task.pk}"' in page.content.decode()
    assert COMMENT in page.content.decode()

    response = client.post(
        f"/workbench/rectifications/{task.pk}/reply/",
        {"reply": "已约谈窗口人员，今后一次告知所需材料。"},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "replied"
    assert task.replied_by.username == username
    fan_out()
    reply = Notification.objects.get(kind="rectification_replied")
    assert reply.user.username == CITIZEN["username"]


@pytest.mark.parametrize(
    "username", ["clerk_scjg", "reviewer_scjg", "approver_scjg", "handler_scjg"]
)
def test_the_other_officers_of_the_department_are_refused(client, task, username):
    client = _signed_in(client, username)

    assert client.get("/workbench/rectifications/").status_code == 403
    response = client.post(f"/workbench/rectifications/{task.pk}/reply/", {"reply": "好的"})

    assert response.status_code == 403
    task.refresh_from_db()
    assert task.status == "open" and task.reply == ""


def test_a_supervisor_of_another_department_does_not_see_the_task(client, task):
    client = _signed_in(client, "supervisor")  # 12345 hotline centre

    page = client.get("/workbench/rectifications/")
    response = client.post(f"/workbench/rectifications/{task.pk}/reply/", {"reply": "好的"})

    assert f'id="task-{task.pk}"' not in page.content.decode()
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.status == "open"


def test_the_citizen_reads_the_due_date_then_the_reply_and_rates_it(client, task):
    case = task.rating.case
    citizen = _signed_in(client, CITIZEN["username"])
    page = citizen.get(f"/cases/{case.number}/").content.decode()
    assert "2026年3月9日" in page  # the promised date of the reply

    case_services.rectification_reply(
        task=task,
        supervisor=User.objects.get(username="head_scjg"),
        reply="已约谈窗口人员，今后一次告知所需材料。",
    )
    page = citizen.get(f"/cases/{case.number}/").content.decode()
    assert "已约谈窗口人员" in page
    response = citizen.post(f"/cases/{case.number}/rating/follow-up/", {"follow_up-level": "4"})

    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "closed" and task.follow_up_level == 4
