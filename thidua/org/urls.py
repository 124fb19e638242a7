from django.urls import include, path

from thidua.org import (
    password,
    second_factor,
    views,
    views_figures,
    views_publish,
    year_keys,  # noqa: F401  (registers the cluster_number/block_number converters)
)


def year_patterns(prefix: str) -> list:
    """The pages of one cluster-year or block-year, under `prefix` (the kind's tree: year_keys).

    The same names in both trees: reversing with a block's number (`Cluster.number` of a block)
    gives the /khoi-thi-dua/ address, with a cluster's the /cum-thi-dua/ one.
    """
    return [
        path(f"{prefix}/", views.cluster_detail, name="cluster_detail"),
        path(
            f"{prefix}/cong-bo-nam-sau/",
            views_publish.cluster_publish_next,
            name="cluster_publish_next",
        ),
        path(
            f"{prefix}/thanh-phan/",
            views_publish.cluster_composition,
            name="cluster_composition",
        ),
        path(
            f"{prefix}/so-lieu-cong-bo/",
            views_figures.cluster_figures,
            name="cluster_figures",
        ),
        path(f"{prefix}/ban-giao/", views.cluster_handover, name="cluster_handover"),
        path(f"{prefix}/thi-dua/", include("thidua.cycle.urls")),
    ]


CLUSTER_YEAR = "cum-thi-dua/<int:year>/<cluster_number:number>"
BLOCK_YEAR = "khoi-thi-dua/<int:year>/<block_number:number>"

urlpatterns = [
    path("don-vi/", views.unit_list, name="unit_list"),
    path("don-vi.xlsx", views.unit_list_excel, name="unit_list_excel"),
    path("don-vi/<slug:code>/", views.unit_detail, name="unit_detail"),
    path("cum-thi-dua/", views.cluster_list, name="cluster_list"),
    path("cum-thi-dua.xlsx", views.cluster_list_excel, name="cluster_list_excel"),
    path("cum-thi-dua/cong-bo/", views_publish.cluster_publish, name="cluster_publish"),
    *year_patterns(CLUSTER_YEAR),
    *year_patterns(BLOCK_YEAR),
    path("styleguide/", views.styleguide, name="styleguide"),
    path("tai-khoan/", second_factor.account, name="account"),
    path("tai-khoan/doi-mat-khau/", password.password_change, name="password_change"),
    path("tai-khoan/xac-thuc-hai-buoc/", second_factor.totp_enrol, name="totp_enrol"),
    path("tai-khoan/xac-thuc-hai-buoc/go-bo/", second_factor.totp_remove, name="totp_remove"),
    path("dang-nhap/ma-xac-thuc/", second_factor.totp_verify, name="totp_verify"),
]
