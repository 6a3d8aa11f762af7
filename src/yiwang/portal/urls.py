from django.urls import path

from yiwang.portal import apply_views, case_views, views

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
    path("services/<str:code>/files/<slug:kind>/", views.guide_file, name="guide_file"),
    path("departments/", views.department_list, name="department_list"),
    path("departments/<str:code>/", views.department_detail, name="department_detail"),
    path("topics/", views.topic_list, name="topic_list"),
    path("topics/<slug:code>/", views.topic_detail, name="topic_detail"),
    path("accessibility/", views.accessibility, name="accessibility"),
    # Applying online
    path("services/<str:code>/apply/", apply_views.application_start, name="application_start"),
    path("applications/", apply_views.application_list, name="application_list"),
    path(
        "applications/<int:application_id>/",
        apply_views.application_detail,
        name="application_detail",
    ),
    path(
        "applications/<int:application_id>/form/",
        apply_views.application_form,
        name="application_form",
    ),
    path(
        "applications/<int:application_id>/materials/",
        apply_views.application_materials,
        name="application_materials",
    ),
    path(
        "applications/<int:application_id>/materials/<int:material_id>/remove/",
        apply_views.material_remove,
        name="application_material_remove",
    ),
    path(
        "applications/<int:application_id>/check/",
        apply_views.application_check,
        name="application_check",
    ),
    # My cases
    path("cases/", case_views.case_list, name="case_list"),
    path("cases/<str:number>/", case_views.case_detail, name="case_detail"),
    path(
        "cases/<str:number>/supplements/upload/",
        case_views.supplement_upload,
        name="case_supplement_upload",
    ),
    path(
        "cases/<str:number>/supplements/submit/",
        case_views.supplement_submit,
        name="case_supplement_submit",
    ),
    path("cases/<str:number>/withdraw/", case_views.case_withdraw, name="case_withdraw"),
    path("cases/<str:number>/rating/", case_views.case_rate, name="case_rate"),
    path("cases/<str:number>/rating/follow-up/", case_views.case_follow_up, name="case_follow_up"),
    path("documents/<int:material_id>/", case_views.material_download, name="material_download"),
    path("notices/<int:notice_id>/", case_views.notice_download, name="notice_download"),
]
