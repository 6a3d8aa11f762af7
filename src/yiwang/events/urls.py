from django.urls import path

from yiwang.events.views import centre, citizen, overview, work

app_name = "city"

urlpatterns = [
    path("start/", overview.landing, name="landing"),
    # the 12345 centre
    path("console/", centre.console, name="console"),
    path("console/categories.json", centre.categories_json, name="categories_json"),
    path("console/caller.json", centre.caller_json, name="caller_json"),
    path("console/nearby.json", centre.nearby_json, name="nearby_json"),
    path("knowledge/", centre.knowledge, name="knowledge"),
    path("knowledge/search.json", centre.articles_json, name="articles_json"),
    path("callbacks/", centre.callbacks, name="callbacks"),
    # departments and supervisors
    path("queue/", work.queue, name="queue"),
    path("board/", work.board, name="board"),
    path("events/<str:number>/", work.event_detail, name="event"),
    path("events/<str:number>/do/<slug:action>/", work.event_action, name="action"),
    path(
        "events/<str:number>/extensions/<int:request_id>/",
        work.extension_decide,
        name="extension_decide",
    ),
    path("events/<str:number>/orders/<int:order_id>/", work.order_answer, name="order_answer"),
    path("photos/<int:photo_id>/", work.photo, name="photo"),
    # the map, the leader, the integrator
    path("map/", overview.map_page, name="map"),
    path("map/events.json", overview.map_data, name="map_data"),
    path("map/districts.geojson", overview.districts_geojson, name="districts"),
    path("integrator/", overview.integrator, name="integrator"),
    # citizens
    path("reports/", citizen.report_list, name="reports"),
    path("reports/new/", citizen.report_new, name="report_new"),
    path("reports/<str:number>/", citizen.report_detail, name="report"),
    path("reports/<str:number>/rating/", citizen.report_rate, name="report_rate"),
    path("rate/<str:token>/", citizen.rate_by_link, name="rate"),
]
