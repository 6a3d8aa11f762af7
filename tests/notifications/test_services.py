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
    # in the site's language, Chinese (users have no language of their own)
    assert notification.language == "zh-hans"
    assert notification.title == "申请已受理"
    assert notification.body == (
        "您的申请 370100-20260302-000001 已受理。您可以在“我的办件”中查看办理进度。"
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


def test_notify_many_writes_what_notify_would_for_each(citizen_user, django_assert_num_queries):
    mailless = UserFactory(email="", phone="13900000001")
    silent = UserFactory(email="", phone="")
    context = {"number": "N1"}

    # the notifications in one insert, the deliveries in one, their tasks in one
    with django_assert_num_queries(3):
        rows = services.notify_many(
            users=[citizen_user, mailless, silent], kind="completed", context=context
        )

    assert [n.user for n in rows] == [citizen_user, mailless, silent]
    one = services.notify(user=citizen_user, kind="completed", context=context)
    assert {(n.title, n.body, n.language) for n in rows} == {(one.title, one.body, one.language)}
    assert sorted(
        NotificationDelivery.objects.filter(notification__in=rows).values_list(
            "notification__user", "channel", "address"
        )
    ) == sorted(
        [
            (citizen_user.pk, "email", "zhangsan@example.org"),
            (citizen_user.pk, "sms", "13812345678"),
            (mailless.pk, "sms", "13900000001"),
        ]
    )
    tasks = DBTaskResult.objects.filter(task_path="yiwang.notifications.tasks.deliver_notification")
    assert tasks.count() == 3 + 2  # notify_many's three, notify's two
    assert mail.outbox == []


def test_notify_batch_renders_a_shared_context_once_per_language(citizen_user, monkeypatch):
    # given three officers told of one event (one context object), one reading English,
    # and one told of another event
    reader = UserFactory(email="", phone="")
    reader.language = "en"
    other = UserFactory(email="", phone="")
    first = {"number": "E1", "category": "井盖缺失"}
    second = {"number": "E2", "category": "路灯不亮"}
    rendered = []
    render = texts.render

    def counted(kind, values, language):
        rendered.append((values["number"], language))
        return render(kind, values, language)

    monkeypatch.setattr(texts, "render", counted)

    # when they are notified in one batch
    rows = services.notify_batch(
        [
            (citizen_user, "event_assigned", first),
            (reader, "event_assigned", first),
            (other, "event_assigned", first),
            (other, "event_assigned", second),
        ]
    )

    # then each event's texts are rendered once per language, and each row has its own
    assert rendered == [("E1", "zh-hans"), ("E1", "en"), ("E2", "zh-hans")]
    assert [(n.user, n.language, n.title, n.context["number"]) for n in rows] == [
        (citizen_user, "zh-hans", "新工单待签收", "E1"),
        (reader, "en", "New event to handle", "E1"),
        (other, "zh-hans", "新工单待签收", "E1"),
        (other, "zh-hans", "新工单待签收", "E2"),
    ]
    assert "E2（路灯不亮）" in rows[3].body and "E1（井盖缺失）" in rows[2].body
    assert rows[0].context is not rows[2].context


def test_a_person_without_email_or_phone_gets_the_in_app_notification_only():
    user = UserFactory(email="", phone="")

    notification = services.notify(user=user, kind="completed", context={"number": "N1"})

    assert Notification.objects.filter(user=user).count() == 1
    assert not notification.deliveries.exists()
    assert not DBTaskResult.objects.exists()


def test_the_text_is_chinese_whatever_language_the_sender_works_in(citizen_user):
    # given an officer whose request runs in English (the suite's active language)
    context = {
        "number": "N2",
        "items": [{"name": "营业执照", "name_en": "Business licence", "reason": "照片模糊"}],
    }

    notification = services.notify(user=citizen_user, kind="supplement_requested", context=context)

    # then the citizen reads it in Chinese, with the Chinese names of the materials
    assert notification.language == "zh-hans"
    assert notification.title == "需要补正"
    assert notification.body == (
        "您的申请 N2 需要补正。请一次性提交以下全部材料；在您补正之前，办理时限暂停计算。\n"
        "- 营业执照: 照片模糊"
    )


def test_the_english_text_names_the_materials_in_english():
    title, body = texts.render(
        "supplement_requested",
        {"number": "N2", "items": [{"name": "营业执照", "name_en": "Business licence",
                                    "reason": "blurred"}]},
        "en",
    )  # fmt: skip

    assert title == "Supplements needed"
    assert body == (
        "Your application N2 needs supplements. Please provide all of the following at once; "
        "the time limit is paused until you do.\n"
        "- Business licence: blurred"
    )


@pytest.mark.parametrize(
    ("kind", "context", "title", "text"),
    [
        ("submitted", {}, "Application received", "We have received your application N."),
        ("accepted", {}, "Application accepted",
         "Your application N has been accepted. You can follow its progress under My cases."),
        ("rejected", {"reason": "Not our service"}, "Application not accepted",
         "Your application N was not accepted.\nReason: Not our service"),
        ("decided", {"outcome": "approved"}, "Decision: approved",
         "Your application N has been approved."),
        ("decided", {"outcome": "denied", "reason": "Unsafe kitchen", "legal_basis": "Art. 38"},
         "Decision: denied",
         "Your application N has been denied.\nLegal basis: Art. 38\nReason: Unsafe kitchen"),
        ("certificate_ready", {"certificate_number": "C-1"}, "Certificate ready",
         "The certificate for your case N is ready.\nCertificate number: C-1"),
        ("completed", {}, "Case completed", "Your case N is completed. Please rate our service."),
        ("rectification_replied", {"reply": "We fixed it."}, "Reply to your rating",
         "The department has replied to your rating of case N.\nWe fixed it."),
        ("extended", {"reason": "Site visit needed"}, "Time limit extended",
         "The time limit of your case N has been extended.\nReason: Site visit needed"),
        ("special_procedure_started", {"expected_days": 3, "reason": "Hearing"},
         "Special procedure started",
         "A special procedure has started for your case N. Its time does not count towards the "
         "time limit.\nExpected to take 3 working days.\nReason: Hearing"),
        ("special_procedure_finished", {}, "Special procedure finished",
         "The special procedure for your case N has finished; the time limit runs again."),
        ("something_new", {}, "Case updated", "There is news about your case N."),
    ],
)  # fmt: skip
def test_every_kind_has_a_title_and_a_text(kind, context, title, text):
    assert texts.render(kind, {"number": "N", **context}, "en") == (title, text)


def test_chinese_texts_come_from_the_catalogue():
    assert texts.render("decided", {"number": "N", "outcome": "approved"}, "zh-hans") == (
        "审批结果：准予许可",
        "您的申请 N 已准予许可。",
    )


def test_the_cases_services_notify_the_applicant():
    from tests.factories import accepted_case, case_world, fan_out

    world = case_world()
    case = accepted_case(world)
    fan_out()  # the worker, after the commits

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


def _received(case):
    from tests.factories import fan_out

    fan_out()  # as the worker does after the commit
    notification = Notification.objects.get(case=case, kind="submitted")
    return texts.render("submitted", notification.context, "en")[1], notification.body


def test_application_received_states_the_acceptance_date_of_a_licensing_case():
    from tests.factories import case_world, submitted_case

    # received Monday 2 March 2026: 5 working days, the day of receipt not counted,
    # are Tue 3, Wed 4, Thu 5, Fri 6 and Mon 9 March
    case = submitted_case(case_world())

    english, chinese = _received(case)
    assert english == (
        f"We have received your application {case.number}. The department will accept it "
        "or tell you why not by 2026-03-09."
    )
    assert chinese == (
        f"我们已收到您的申请 {case.number}。部门将于 2026-03-09 前受理，或告知您不予受理的理由。"
    )
    assert "5 working days" not in english


def test_application_received_promises_the_same_day_for_an_on_the_spot_service():
    from tests.factories import case_world, publish_service, submitted_case
    from yiwang.catalog.models import ServiceVersion

    world = case_world()
    on_the_spot = publish_service(
        department=world.department, workflow="public_service", promised_limit_days=0,
        legal_limit_days=0, kind=ServiceVersion.Kind.PUBLIC_SERVICE, materials=[],
    )  # fmt: skip

    # received Monday 2 March 2026, 09:00: 即办 is done that same working day
    case = submitted_case(
        world, service=on_the_spot, applicant=world.applicant, form_data={"applicant_name": "张三"}
    )

    english, chinese = _received(case)
    assert english == (
        f"We have received your application {case.number}. This service is handled on the "
        "spot (即办): it will be completed the same working day, by 2026-03-02."
    )
    assert chinese == (
        f"我们已收到您的申请 {case.number}。本事项为即办件，将于当日（2026-03-02）办结。"
    )
    assert "5 working days" not in english


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
