from django.urls import path

from yiwang.workbench import views

app_name = "workbench"

urlpatterns = [
    path("", views.queue, name="queue"),
]
