"""The inbox at /notifications/: mine only, mark read, the unread badge."""

from __future__ import annotations

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import UserFactory
from yiwang.notifications import services
from yiwang.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(citizen_user):
    return citizen_user


def _notify(user, number):
    return services.notify(user=user, kind="accepted", context={"number": number})


def test_the_inbox_lists_my_notifications_only(client, me):
    _notify(me, "370100-20260302-000001")
    _notify(me, "370100-20260302-000002")
    _notify(UserFactory(), "370100-20260302-000099")
    client.force_login(me)

    response = client.get(reverse("notifications:inbox"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    page = response.content.decode()
    assert "370100-20260302-000001" in page and "370100-20260302-000002" in page
    assert "370100-20260302-000099" not in page
    assert "You have 2 unread notifications." in page


def test_the_inbox_counts_unread_notifications_once(client, me):
    # given two unread notifications
    _notify(me, "370100-20260302-000001")
    _notify(me, "370100-20260302-000002")
    client.force_login(me)

    # when the inbox is shown (its lead sentence and the header's badge)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("notifications:inbox"), HTTP_ACCEPT_LANGUAGE="en")

    # then the unread count was queried once for both
    page = response.content.decode()
    assert "You have 2 unread notifications." in page and 'data-unread="2"' in page
    counts = [
        q["sql"] for q in queries.captured_queries
        if "COUNT(" in q["sql"].upper() and "read_at" in q["sql"]
    ]  # fmt: skip
    assert len(counts) == 1


def test_the_inbox_follows_the_readers_language(client, me):
    _notify(me, "N1")  # stored in zh-hans, the default
    client.force_login(me)

    english = client.get(reverse("notifications:inbox"), HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get(reverse("notifications:inbox"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert "Application accepted" in english.content.decode()
    assert "申请已受理" in chinese.content.decode()


def test_the_inbox_needs_a_sign_in(client):
    response = client.get(reverse("notifications:inbox"))

    assert response.status_code == 302
    assert reverse("identity:login") in response["Location"]


def test_mark_read(client, me):
    notification = _notify(me, "N1")
    client.force_login(me)

    response = client.post(reverse("notifications:mark_read", args=[notification.pk]))

    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is not None
    unread = client.get(reverse("notifications:inbox") + "?show=unread", HTTP_ACCEPT_LANGUAGE="en")
    assert "No unread notifications." in unread.content.decode()


def test_i_cannot_mark_someone_elses_notification(client, me):
    theirs = _notify(UserFactory(), "N1")
    client.force_login(me)

    response = client.post(reverse("notifications:mark_read", args=[theirs.pk]))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_takes_post_only(client, me):
    notification = _notify(me, "N1")
    client.force_login(me)

    response = client.get(reverse("notifications:mark_read", args=[notification.pk]))

    assert response.status_code == 405


def test_mark_all_read(client, me):
    _notify(me, "N1")
    _notify(me, "N2")
    client.force_login(me)

    client.post(reverse("notifications:mark_all_read"))

    assert not Notification.objects.filter(user=me, read_at__isnull=True).exists()


def test_the_unread_badge(me, django_assert_num_queries):
    _notify(me, "N1")
    _notify(me, "N2")
    services.notification_mark_read(user=me, notification_id=_notify(me, "N3").pk)
    request = RequestFactory().get("/")
    request.user = me
    template = Template(
        "{% load notifications %}{% unread_notifications as n %}[{{ n }}]{% notifications_badge %}"
    )

    with django_assert_num_queries(1):  # counted once per request
        html = template.render(Context({"request": request, "user": me}))

    assert html.startswith("[2]")
    assert 'data-unread="2"' in html
    assert reverse("notifications:inbox") in html


def test_no_badge_for_visitors():
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    html = Template("{% load notifications %}[{% unread_notifications %}]{% notifications_badge %}")
    assert html.render(Context({"request": request, "user": request.user})) == "[0]"
