"""``python -m thidua.engine``: one JSON document on success, a Vietnamese error and exit 2 otherwise."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from thidua.engine.cli import main

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "docs" / "examples" / "cum3-2021"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def score(capsys, *extra: str) -> dict:
    code, out, err = run(
        capsys, "score", "--scale", EX / "scale.json", "--results", EX / "results.json", *extra
    )
    assert (code, err) == (0, "")
    return json.loads(out)


def test_score_prints_one_json_document_with_ranks_explanations_and_awards(capsys) -> None:
    doc = score(capsys, "--awards", EX / "awards.json")
    assert doc["scale"]["code"] == "CUM3-2021"
    assert "minh họa" in doc["input"]["note"]
    first = doc["units"][0]
    assert (first["unit"], first["rank"], first["total"]) == ("Yên Bái", 1, "98.11")
    tp1 = next(c for c in first["criteria"] if c["code"] == "TP1")
    assert tp1["formula"].startswith("Tỷ lệ điều tra khám phá án hình sự 92,1% ≥ chỉ tiêu 76%")
    assert tp1["points"] == "11.61"
    assert doc["awards"]["proposals"]["Cờ thi đua của Chính phủ"] == ["Yên Bái"]
    assert first["awards"][0] == {
        "award": "CO_CP",
        "award_name": "Cờ thi đua của Chính phủ",
        "granted": True,
        "reason": doc["awards"]["decisions"][0]["reason"],
    }
    assert doc["robustness"] is None


def test_inspections_are_reconciled_and_the_consolidated_sheets_ranked(capsys) -> None:
    doc = score(
        capsys,
        "--inspections", EX / "inspection-team1.json", EX / "inspection-team2.json",
        "--awards", EX / "awards.json",
    )  # fmt: skip
    assert doc["stage"] == "consolidated"
    by_unit = {u["unit"]: u for u in doc["units"]}
    thai_nguyen = by_unit["Thái Nguyên"]
    assert (thai_nguyen["reconciliation"]["self_total"], thai_nguyen["total"]) == ("93.04", "92.04")
    (flag,) = thai_nguyen["reconciliation"]["flags"]
    assert flag["code"] == "ANQG1" and flag["difference"] == "1.00"
    assert doc["awards"]["proposals"]["Bằng khen của Bộ trưởng Bộ Công an"] == ["Phú Thọ"]


def test_robustness_figures_are_seeded(capsys) -> None:
    a = score(capsys, "--robustness", "500", "--seed", "3", "--no-explanations")
    b = score(capsys, "--robustness", "500", "--seed", "3", "--no-explanations")
    assert a["robustness"] == b["robustness"]
    assert "criteria" not in a["units"][0]
    assert a["units"][0]["robustness"]["unit"] == "Yên Bái"


def test_csv_results_give_the_same_scores_as_json(capsys) -> None:
    from_json = score(capsys)
    code, out, _ = run(
        capsys, "score", "--scale", EX / "scale.json", "--results", EX / "results.csv"
    )
    from_csv = json.loads(out)
    assert code == 0
    assert [(u["unit"], u["total"]) for u in from_csv["units"]] == [
        (u["unit"], u["total"]) for u in from_json["units"]
    ]


def test_a_missing_file_is_named_with_exit_code_2(capsys, tmp_path) -> None:
    code, out, err = run(
        capsys, "score", "--scale", tmp_path / "khong-co.json", "--results", EX / "results.json"
    )
    assert (code, out) == (2, "")
    assert err == f"Lỗi: tệp '{tmp_path / 'khong-co.json'}': không tìm thấy tệp\n"


def test_a_json_syntax_error_gives_line_and_column(capsys, tmp_path) -> None:
    bad = tmp_path / "scale.json"
    bad.write_text('{\n  "code": "X",\n  "version": 1,,\n}', encoding="utf-8")
    code, _, err = run(capsys, "score", "--scale", bad, "--results", EX / "results.json")
    assert code == 2
    assert err.startswith(f"Lỗi: tệp '{bad}', dòng 3, cột 16: JSON không hợp lệ")


def test_an_invalid_scale_lists_every_problem_with_its_path(capsys, tmp_path) -> None:
    doc = json.loads((EX / "scale.json").read_text(encoding="utf-8"))
    doc["groups"][2]["criteria"][1]["max_points"] = -4
    doc["groups"][0]["criteria"][0]["rule"]["kind"] = "phép màu"
    bad = tmp_path / "scale.json"
    bad.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code, _, err = run(capsys, "score", "--scale", bad, "--results", EX / "results.json")
    assert code == 2
    lines = err.splitlines()
    assert lines[0] == "Lỗi: 2 vấn đề trong tệp đầu vào:"
    assert f"- tệp '{bad}', groups[2].criteria[1].max_points: phải là số không nhỏ hơn 0" in lines
    assert any("groups[0].criteria[0].rule.kind" in line for line in lines)


def test_a_bad_csv_cell_names_the_row_and_column(capsys, tmp_path) -> None:
    text = (EX / "results.csv").read_text(encoding="utf-8").replace("92.1,", "chín mươi,", 1)
    bad = tmp_path / "results.csv"
    bad.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "score", "--scale", EX / "scale.json", "--results", bad)
    assert code == 2
    assert err == f"Lỗi: tệp '{bad}', dòng 4, cột 6 ('TP1'): 'chín mươi' không phải là số\n"


def test_a_rule_violation_in_csv_points_to_the_cell(capsys, tmp_path) -> None:
    lines = (EX / "results.csv").read_text(encoding="utf-8").splitlines()
    # judged ANQG1 (column 2) of Hòa Bình (line 6) above its maximum of 8
    cells = lines[5].split(",")
    cells[1] = "9"
    lines[5] = ",".join(cells)
    bad = tmp_path / "results.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = run(capsys, "score", "--scale", EX / "scale.json", "--results", bad)
    assert code == 2
    assert (
        err
        == f"Lỗi: tệp '{bad}', dòng 6, cột 'ANQG1': điểm chấm phải trong khoảng 0..8 (đơn vị Hòa Bình)\n"
    )


def test_a_json_results_problem_names_its_path(capsys, tmp_path) -> None:
    doc = json.loads((EX / "results.json").read_text(encoding="utf-8"))
    doc["units"][3]["results"]["XD_TRU"] = -2
    doc["units"][5]["results"]["KHONGCO"] = 1
    bad = tmp_path / "results.json"
    bad.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code, _, err = run(capsys, "score", "--scale", EX / "scale.json", "--results", bad)
    assert code == 2
    assert (
        f"- tệp '{bad}', units[3].results.XD_TRU: số lần phải là số nguyên không âm (đơn vị Bắc Giang)"
        in err
    )
    assert (
        f"- tệp '{bad}', units[5].results.KHONGCO: không có tiêu chí mã này trong thang điểm (đơn vị Tuyên Quang)"
        in err
    )


def test_missing_arguments_are_explained_in_vietnamese(capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["score", "--scale", str(EX / "scale.json")])
    assert caught.value.code == 2
    assert "Lỗi: thiếu tham số bắt buộc: --results" in capsys.readouterr().err


def test_validate_subcommand_accepts_the_examples(capsys) -> None:
    code, out, _ = run(
        capsys, "validate", "--scale", EX / "scale.json", "--awards", EX / "awards.json"
    )
    assert (code, json.loads(out)) == (0, {"valid": True})


def test_module_runs_as_a_program(tmp_path) -> None:
    if shutil.which(sys.executable) is None:  # pragma: no cover
        pytest.skip("no interpreter")
    proc = subprocess.run(
        [sys.executable, "-m", "thidua.engine", "score", "--scale", str(EX / "scale.json"),
         "--results", str(EX / "results.json"), "--awards", str(EX / "awards.json"), "--no-explanations"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["awards"]["proposals"]["Cờ thi đua của Chính phủ"] == ["Yên Bái"]
    bad = subprocess.run(
        [sys.executable, "-m", "thidua.engine", "score", "--scale", str(tmp_path / "x.json"), "--results", "y.csv"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert bad.returncode == 2 and "không tìm thấy tệp" in bad.stderr
