from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from thidua.api.api import api
from thidua.documents.views import documents_year
from thidua.health import health
from thidua.org.forms import LoginForm
from thidua.org.urls import BLOCK_YEAR, CLUSTER_YEAR
from thidua.portal.views import home

admin.site.site_header = "Thi Đua — quản trị"
admin.site.site_title = "Thi Đua"

urlpatterns = [
    path("suc-khoe/", health, name="health"),
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=LoginForm
        ),
        name="login",
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("quan-tri/", admin.site.urls),
    path("api/v1/", api.urls),
    path("khen-thuong/", include("thidua.honours.urls")),
    path("in-phoi/", include("thidua.documents.urls_certificates")),
    path("quyet-dinh-khen-thuong/", include("thidua.documents.urls_decisions")),
    path("bang-dieu-khien/", include("thidua.cycle.urls_ministry")),
    path("tac-vu/van-ban/<int:year>/", documents_year, name="jobs_documents_year"),
    path("tac-vu/", include("thidua.jobs.urls")),
    path(f"{CLUSTER_YEAR}/thi-dua/", include("thidua.documents.urls")),
    path(f"{BLOCK_YEAR}/thi-dua/", include("thidua.documents.urls")),
    path("", include("thidua.notifications.urls")),
    path("", home, name="home"),
    path("", include("thidua.org.urls")),
]

# Django's own error pages replaced: Vietnamese, in the site's layout, JSON under /api/.
handler400 = "thidua.errors.bad_request"
handler403 = "thidua.errors.permission_denied"
handler404 = "thidua.errors.page_not_found"
handler500 = "thidua.errors.server_error"
