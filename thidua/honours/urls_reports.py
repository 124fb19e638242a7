"""The register's yearly reports (under /khen-thuong/): statistics and the reward fund."""

from django.urls import path

from thidua.honours.views import reports

urlpatterns = [
    path("thong-ke/", reports.statistics_page, name="honours_statistics"),
    path("quy-thuong/", reports.fund_page, name="honours_fund"),
]
