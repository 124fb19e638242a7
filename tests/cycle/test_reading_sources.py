"""Issue 19: a value read from the report keeps its qualifier ("hơn 533.300 hồ sơ"), and the
sentence it came from stands inside the score's explanation, on the page and in the API."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.api.test_cycle_results_api import LAO_CAI as API_URL
from tests.api.test_cycle_results_api import bearer
from tests.cycle.test_report_reading import client_for, lao_cai, url
from thidua.cycle.models import ReportReading

pytestmark = pytest.mark.django_db

REPORT = """BÁO CÁO TỔNG KẾT CÔNG TÁC NĂM 2025 — CÔNG AN TỈNH LÀO CAI
Năm 2025, tỷ lệ điều tra khám phá án hình sự đạt 91,6%, vượt 15,6% chỉ tiêu Bộ giao.
Thu nhận hơn 533.300 hồ sơ cấp căn cước công dân gắn chíp điện tử.
""".encode()


def read_report(officer: Client) -> ReportReading:
    response = officer.post(
        url("cycle_reading_upload"), {"file": SimpleUploadedFile("bao-cao.txt", REPORT)}
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    return ReportReading.objects.get(sheet=lao_cai())


def test_a_qualified_figure_is_suggested_and_accepted_with_its_word():
    officer = client_for("canbo.laocai")
    reading = read_report(officer)
    page = officer.get(url("cycle_reading_review", reading.pk)).content.decode()
    assert 'name="value_DA1" id="value-DA1" value="hơn 533.300"' in page
    sheet = lao_cai()
    response = officer.post(
        url("cycle_reading_accept", reading.pk),
        {
            "version": sheet.version,
            "accept": ["DA1", "TP1"],
            "value_DA1": "hơn 533.300",
            "value_TP1": "91,6",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    sheet = lao_cai()
    assert sheet.values["DA1"] == "533300" and sheet.qualifiers == {"DA1": "hơn"}


def test_the_score_explanation_names_the_sentence_on_the_page_and_in_the_api():
    officer = client_for("canbo.laocai")
    reading = read_report(officer)
    sheet = lao_cai()
    officer.post(
        url("cycle_reading_accept", reading.pk),
        {"version": sheet.version, "accept": ["TP1"], "value_TP1": "91,6"},
    )
    sheet = lao_cai()
    response = officer.post(url("cycle_result_submit"), {"version": sheet.version})
    assert response.status_code == 302, response.content.decode()[-2000:]

    body = Client().get(API_URL, **bearer("thuongtruc.caobang")).json()
    criteria = {c["code"]: c for c in body["self_assessment"]["criteria"]}
    source = criteria["TP1"]["source"]
    assert source["figure"] == "91,6%" and source["report"] == "bao-cao.txt"
    assert source["sentence"].startswith("Năm 2025, tỷ lệ điều tra khám phá án hình sự đạt 91,6%")
    assert "source" not in criteria["TP2"]  # typed by hand: no sentence

    page = client_for("thuongtruc.caobang").get(url("cycle_result_sheet")).content.decode()
    assert "Số liệu lấy từ báo cáo “bao-cao.txt”" in page
    assert "khám phá án hình sự đạt <mark>91,6%</mark>" in page


def test_a_difference_to_the_target_alone_is_flagged_and_never_suggested():
    officer = client_for("canbo.laocai")
    report = (
        "BÁO CÁO TỔNG KẾT NĂM 2025\n"
        "Tỷ lệ giải quyết tin báo, tố giác tội phạm cao hơn chỉ tiêu 16%.\n"
        "Tỷ lệ điều tra khám phá án hình sự đạt 91,6%.\n"
    ).encode()
    response = officer.post(
        url("cycle_reading_upload"), {"file": SimpleUploadedFile("bao-cao.txt", report)}
    )
    assert response.status_code == 302
    reading = ReportReading.objects.get(sheet=lao_cai())
    assert "TP4" not in {s["criterion"] for s in reading.suggestions}  # 16 is not the rate
    assert "TP1" in {s["criterion"] for s in reading.suggestions}
    page = officer.get(url("cycle_reading_review", reading.pk)).content.decode()
    assert "Cần xem lại: báo cáo chỉ nêu mức chênh so với chỉ tiêu" in page
    assert "tố giác tội phạm cao hơn chỉ tiêu <mark>16%</mark>" in page
