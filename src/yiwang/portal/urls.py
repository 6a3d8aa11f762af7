from django.urls import path

from yiwang.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("services/", views.service_list, name="service_list"),
    path("services/<str:code>/", views.service_guide, name="service_guide"),
    path(
        "services/<str:code>/versions/<int:number>/",
        views.service_guide,
        name="service_version",
    ),
    path("departments/", views.department_list, name="department_list"),
    path("departments/<str:code>/", views.department_detail, name="department_detail"),
    path("topics/", views.topic_list, name="topic_list"),
    path("topics/<slug:code>/", views.topic_detail, name="topic_detail"),
    path("accessibility/", views.accessibility, name="accessibility"),
]
