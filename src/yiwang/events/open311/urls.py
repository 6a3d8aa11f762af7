"""``/open311/v2/``: GeoReport v2 resources, each in ``.xml`` and ``.json``."""

from django.urls import re_path

from yiwang.events.open311 import views

FMT = r"\.(?P<fmt>[A-Za-z0-9]{1,10})$"
SEGMENT = r"(?P<{}>[^/]{{1,100}}?)"

app_name = "open311"
urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.services, name="services"),
    re_path(r"^services/" + SEGMENT.format("code") + FMT, views.service_definition, name="service"),
    re_path(r"^requests" + FMT, views.requests, name="requests"),
    re_path(r"^requests/" + SEGMENT.format("number") + FMT, views.request_detail, name="request"),
    re_path(r"^tokens/" + SEGMENT.format("token") + FMT, views.token, name="token"),
    re_path(r"^(?P<path>.*)$", views.not_found),
]
