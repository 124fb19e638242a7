from django.urls import path

from thidua.notifications import views
from thidua.org import year_keys  # noqa: F401  (registers the cluster_number/block_number converters)

urlpatterns = [
    path("thoi-han/", views.national_calendar, name="national_calendar"),
    path(
        "thoi-han/<int:year>/<cluster_number:number>/",
        views.cluster_calendar,
        name="cluster_deadlines",
    ),
    path(
        "thoi-han/khoi/<int:year>/<block_number:number>/",
        views.cluster_calendar,
        name="cluster_deadlines",
    ),
    path("thong-bao/", views.notification_list, name="notification_list"),
    path("thong-bao/chuong/", views.notification_bell, name="notification_bell"),
    path("thong-bao/da-doc/", views.notification_read_all, name="notification_read_all"),
    path("thong-bao/<int:pk>/da-doc/", views.notification_read, name="notification_read"),
    path("lich/dia-chi/", views.calendar_token, name="calendar_token"),
    path("lich/thu-hoi/", views.calendar_token_revoke, name="calendar_token_revoke"),
    path("lich/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
