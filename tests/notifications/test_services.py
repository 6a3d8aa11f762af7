"""notify and the inbox services, on the real database."""

from __future__ import annotations

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from tests.factories import UserFactory
from yiwang.notifications import selectors, services, texts
from yiwang.notifications.models import Notification, NotificationDelivery

pytestmark = pytest.mark.django_db


def test_notify_creates_the_notification_its_deliveries_and_their_tasks(citizen_user):
    notification = services.notify(
        user=citizen_user, kind="accepted", context={"number": "370100-20260302-000001"}
    )

    assert notification.user == citizen_user
    assert notification.kind == "accepted"
    assert notification.read_at is None
    # zh-hans unless the person has chosen another language
    assert notification.language == "zh-hans"
    assert (notification.title, notification.body) == texts.render(
        "accepted", {"number": "370100-20260302-000001"}, "zh-hans"
    )
    deliveries = {d.channel: d for d in notification.deliveries.all()}
    assert deliveries.keys() == {"email", "sms"}
    assert deliveries["email"].address == "zhangsan@example.org"
    assert deliveries["sms"].address == "13812345678"
    assert all(d.status == NotificationDelivery.Status.PENDING for d in deliveries.values())
    tasks = DBTaskResult.objects.filter(task_path="yiwang.notifications.tasks.deliver_notification")
    assert sorted(t.args_kwargs["args"][0] for t in tasks) == sorted(
        d.pk for d in deliveries.values()
    )
    assert all(t.status == "READY" for t in tasks)
    assert mail.outbox == []  # nothing is sent in the caller's transaction


def test_a_person_without_email_or_phone_gets_the_in_app_notification_only():
    user = UserFactory(email="", phone="")

    notification = services.notify(user=user, kind="completed", context={"number": "N1"})

    assert Notification.objects.filter(user=user).count() == 1
    assert not notification.deliveries.exists()
    assert not DBTaskResult.objects.exists()


def test_the_text_is_in_the_persons_language_when_they_have_one(citizen_user):
    citizen_user.language = "en"  # what a language preference on the user would give

    notification = services.notify(
        user=citizen_user,
        kind="supplement_requested",
        context={
            "number": "N2",
            "items": [{"name": "营业执照", "name_en": "Business licence", "reason": "blurred"}],
        },
    )

    assert notification.language == "en"
    assert notification.title == "Supplements needed"
    assert "Your application N2 needs supplements" in notification.body
    assert "- Business licence: blurred" in notification.body


@pytest.mark.parametrize(
    ("kind", "context", "title", "phrase"),
    [
        ("submitted", {}, "Application received", "We have received your application N"),
        ("rejected", {"reason": "Not our service"}, "Application not accepted", "Reason: Not"),
        ("decided", {"outcome": "approved"}, "Decision: approved", "has been approved"),
        ("decided", {"outcome": "denied", "legal_basis": "Art. 38"}, "Decision: denied", "38"),
        ("certificate_ready", {"certificate_number": "C-1"}, "Certificate ready", "C-1"),
        ("completed", {}, "Case completed", "Please rate our service"),
        ("rectification_replied", {"reply": "We fixed it."}, "Reply to your rating", "fixed"),
        ("extended", {}, "Time limit extended", "extended"),
        ("special_procedure_started", {"expected_days": 3}, "Special procedure started", "3"),
        ("special_procedure_finished", {}, "Special procedure finished", "runs again"),
        ("something_new", {}, "Case updated", "There is news about your case N"),
    ],
)
def test_every_kind_has_a_title_and_a_text(kind, context, title, phrase):
    got_title, body = texts.render(kind, {"number": "N", **context}, "en")

    assert got_title == title
    assert phrase in body


def test_chinese_texts_come_from_the_catalogue():
    title, body = texts.render("accepted", {"number": "N"}, "zh-hans")

    assert title == "申请已受理"
    assert "N" in body


def test_the_cases_services_notify_the_applicant():
    from tests.factories import accepted_case, case_world

    world = case_world()
    case = accepted_case(world)

    # the cases services notified the applicant on submit and on accept
    kinds = list(
        Notification.objects.filter(user=world.applicant, case=case)
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == ["submitted", "accepted"]
    accepted = Notification.objects.get(case=case, kind="accepted")
    assert accepted.context["number"] == case.number
    assert case.number in accepted.body
    assert accepted.url == f"/cases/{case.number}/"


def test_mark_read_only_my_own_notification(citizen_user):
    mine = services.notify(user=citizen_user, kind="accepted", context={"number": "N"})
    other = services.notify(user=UserFactory(), kind="accepted", context={"number": "M"})

    services.notification_mark_read(user=citizen_user, notification_id=mine.pk)
    with pytest.raises(services.NotificationNotFound):
        services.notification_mark_read(user=citizen_user, notification_id=other.pk)

    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.read_at is not None
    assert other.read_at is None


def test_unread_count_and_mark_all_read(citizen_user, django_assert_num_queries):
    for number in ("A", "B", "C"):
        services.notify(user=citizen_user, kind="accepted", context={"number": number})
    services.notify(user=UserFactory(), kind="accepted", context={"number": "X"})

    with django_assert_num_queries(1):
        assert selectors.notification_unread_count(user=citizen_user) == 3
    assert services.notification_mark_all_read(user=citizen_user) == 3
    assert selectors.notification_unread_count(user=citizen_user) == 0
    assert selectors.notification_list_for_user(user=citizen_user).count() == 3
    assert not selectors.notification_list_for_user(user=citizen_user, unread_only=True).exists()


def test_list_costs_one_query_whatever_its_length(citizen_user, django_assert_num_queries):
    for number in range(5):
        services.notify(user=citizen_user, kind="accepted", context={"number": str(number)})

    with django_assert_num_queries(1):
        rows = list(selectors.notification_list_for_user(user=citizen_user))
        assert [row.case for row in rows] == [None] * 5
