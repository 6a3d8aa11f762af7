from django.urls import path

from yiwang.workbench import views

app_name = "workbench"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("cases/<str:number>/", views.case_detail, name="case"),
    path("cases/<str:number>/claim/", views.case_claim, name="claim"),
    path("cases/<str:number>/assign/", views.case_assign, name="assign"),
    path("cases/<str:number>/reassign/", views.case_reassign, name="reassign"),
    path("cases/<str:number>/actions/<slug:command>/", views.case_command, name="command"),
    path("materials/<int:material_id>/", views.material_file, name="material"),
    path("notices/<int:notice_id>/", views.notice_file, name="notice"),
    path("rectifications/", views.rectifications, name="rectifications"),
    path(
        "rectifications/<int:task_id>/reply/",
        views.rectification_reply,
        name="rectification_reply",
    ),
]
