"""The figure finder, the suggestions and ``python -m thidua.extract`` on real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from thidua.engine.extract import find_figures, read_text, suggest
from thidua.engine.extract.cli import main
from thidua.engine.inputs import load_scale

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[2]


def test_a_figure_shared_by_two_indicators_gives_two_figures_with_the_same_words():
    text = "Bắt giữ 1.252 vụ/ 2.254 đối tượng phạm tội về ma tuý."
    a, b = find_figures(text)
    assert (a.value, a.unit, b.value, b.unit) == (1252, "vụ", 2254, "đối tượng")
    assert "ma tuý" in a.indicator and "ma tuý" in b.indicator
    assert text[a.start : a.end] == "1.252 vụ"


def test_above_target_is_the_figures_comparison_and_flagged_ambiguous():
    (f,) = find_figures("Tỷ lệ điều tra khám phá đạt 92%, vượt 16% chỉ tiêu Bộ giao.")
    assert (f.value, f.unit, f.qualifier) == (92, "%", "đạt")
    assert f.comparison == {"kind": "above_target", "value": 16, "unit": "%", "ambiguous": True}
    assert f.indicator == "Tỷ lệ điều tra khám phá"


def test_years_dates_and_vague_amounts_are_not_figures():
    text = "Ngày 3/12/2025, Cụm thi đua số 3 họp; hàng trăm cán bộ, chiến sĩ dự; năm 2021 tốt."
    assert find_figures(text) == []


def test_spelling_variants_match_the_same_criterion(tmp_path):
    scale = load_scale(DATA / "scale.json")
    report = tmp_path / "r.txt"
    report.write_text("Tỉ lệ điều tra khám phá án hình sự đạt 90,5%.", encoding="utf-8")
    (s,) = suggest(scale, find_figures(read_text(report)))
    assert (s.criterion, float(s.value)) == ("TP1", 90.5)


def test_a_docx_table_is_read_with_its_unit_column(tmp_path):
    document = docx.Document()
    document.add_paragraph("Kết quả thực hiện chỉ tiêu năm 2025.")
    table = document.add_table(rows=2, cols=4)
    for cell, text in zip(table.rows[0].cells, ["STT", "Chỉ tiêu", "ĐVT", "Kết quả"], strict=True):
        cell.text = text
    for cell, text in zip(
        table.rows[1].cells,
        ["1", "Thu nhận hồ sơ cấp căn cước công dân", "hồ sơ", "48.512"],
        strict=True,
    ):
        cell.text = text
    path = tmp_path / "bao-cao.docx"
    document.save(path)
    (f,) = find_figures(read_text(path))
    assert (f.value, f.unit) == (48512, "hồ sơ")
    assert "Thu nhận hồ sơ cấp căn cước công dân" in f.indicator


def test_cli_prints_figures_and_suggestions(capsys):
    assert (
        main([str(DATA / "seed-cum6-2022-gia-lai.txt"), "--scale", str(DATA / "scale.json")]) == 0
    )
    doc = json.loads(capsys.readouterr().out)
    values = [(f["value"], f["unit"]) for f in doc["figures"]]
    assert (99000, "tin, bài") in values and (3100, "vụ") in values
    by_code = {s["criterion"]: s for s in doc["suggestions"]}
    assert by_code["TP1"]["value"] == 92 and by_code["TP2"]["value"] == 98
    assert doc["figures"][by_code["TP1"]["figure"]]["unit"] == "%"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bao-cao.pdf", b"not a pdf", "không phải PDF"),
        ("bao-cao.docx", b"PK\x03\x04broken", "DOCX bị hỏng"),
        ("bao-cao.xls", b"x", "Chỉ đọc được"),
        ("bao-cao.txt", "báo cáo".encode("utf-16"), "UTF-8"),
    ],
)
def test_cli_bad_files_give_a_vietnamese_message_and_exit_2(
    tmp_path, capsys, name, content, message
):
    path = tmp_path / name
    path.write_bytes(content)
    assert main([str(path)]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == ""


def test_module_command_runs_as_documented():
    result = subprocess.run(
        [sys.executable, "-m", "thidua.extract", str(DATA / "r01-narrative.txt")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0
    assert json.loads(result.stdout)["suggestions"] == []
    missing = subprocess.run(
        [sys.executable, "-m", "thidua.extract", "khong-co.txt"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert missing.returncode == 2 and "Không tìm thấy tệp" in missing.stderr


def test_scale_aliases_must_be_a_list_of_phrases():
    from thidua.engine.scale import validate_scale

    doc = json.loads((DATA / "scale.json").read_text(encoding="utf-8"))
    doc["groups"][1]["criteria"][0]["aliases"] = "tỷ lệ điều tra"
    problems = [str(p) for p in validate_scale(doc)]
    assert any("aliases" in p and "danh sách" in p for p in problems)


def test_a_pdf_with_a_text_layer_is_read_and_a_scanned_one_is_refused(tmp_path):
    weasyprint = pytest.importorskip("weasyprint")
    html = "<p>Tỷ lệ điều tra khám phá án hình sự đạt 91,6%, bắt 2.031 đối tượng.</p>"
    path = tmp_path / "bao-cao.pdf"
    path.write_bytes(weasyprint.HTML(string=html).write_pdf())
    found = {(float(f.value), f.unit) for f in find_figures(read_text(path))}
    assert found == {(91.6, "%"), (2031.0, "đối tượng")}
    blank = tmp_path / "ban-quet.pdf"
    blank.write_bytes(weasyprint.HTML(string="<p></p>").write_pdf())
    assert main([str(blank)]) == 2


def test_a_table_of_changes_gives_signed_values_and_its_target_column_is_never_suggested(tmp_path):
    report = tmp_path / "bang.txt"
    report.write_text(
        "| TT | Chỉ tiêu | ĐVT | Thực hiện | Chỉ tiêu giao |\n"
        "|---|---|---|---|---|\n"
        "| 1 | Số vụ tai nạn giao thông so với năm 2024 | % | -6,2 | -5 |\n"
        "| 2 | Thu nhận hồ sơ cấp căn cước công dân | hồ sơ | 40.215 | 40.000 |\n",
        encoding="utf-8",
    )
    scale = load_scale(DATA / "scale.json")
    got = {s.criterion: float(s.value) for s in suggest(scale, find_figures(read_text(report)))}
    assert got == {"QL1": -6.2, "DA1": 40215.0}
