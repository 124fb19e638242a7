"""The command line at its edges: one unit however its name is spaced or encoded, the same bad value
refused the same way in JSON and CSV, the honoured leader carried by CSV, options bounded and every
message Vietnamese (exit 2 for bad input)."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from thidua.engine.cli import main
from thidua.engine.numbers import NOT_FINITE

EX = Path(__file__).resolve().parents[2] / "docs" / "examples" / "cum3-2021"
SCALE = str(EX / "scale.json")


def run(capsys, *args) -> tuple[int, str, str]:
    try:
        code = main([str(a) for a in args])
    except SystemExit as exit_:  # argparse
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def results_doc() -> dict:
    return json.loads((EX / "results.json").read_text(encoding="utf-8"))


def write_json(path: Path, doc: dict) -> Path:
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def test_unit_names_differing_only_by_spaces_are_one_unit_refused_as_a_duplicate(
    capsys, tmp_path
) -> None:
    doc = results_doc()
    doc["units"][1]["unit"] = "Yên  Bái "  # the first unit is "Yên Bái"
    bad = write_json(tmp_path / "results.json", doc)
    code, out, err = run(capsys, "score", "--scale", SCALE, "--results", bad)
    assert (code, out) == (2, "")
    assert err == f"Lỗi: tệp '{bad}', units[1].unit: đơn vị “Yên Bái” trùng với units[0]\n"


def test_a_csv_name_with_trailing_spaces_is_a_duplicate_too(capsys, tmp_path) -> None:
    lines = (EX / "results.csv").read_text(encoding="utf-8").splitlines()
    lines[4] = "Yên Bái " + lines[4][lines[4].index(",") :]  # Thái Nguyên's row renamed
    bad = tmp_path / "results.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = run(capsys, "score", "--scale", SCALE, "--results", bad)
    assert code == 2
    assert err == f"Lỗi: tệp '{bad}', dòng 5, cột 1: đơn vị “Yên Bái” trùng với dòng 4\n"


def test_nfd_and_nfc_spellings_of_a_name_are_the_same_unit(capsys, tmp_path) -> None:
    decomposed = unicodedata.normalize("NFD", "Yên Bái")
    assert decomposed != "Yên Bái"
    team = json.loads((EX / "inspection-team1.json").read_text(encoding="utf-8"))
    for unit in team["units"]:
        unit["unit"] = unicodedata.normalize("NFD", unit["unit"])
    inspection = write_json(tmp_path / "team1.json", team)
    code, out, err = run(
        capsys,
        "score", "--scale", SCALE, "--results", EX / "results.json",
        "--inspections", inspection, EX / "inspection-team2.json",
        "--awards", EX / "awards.json", "--honoured", decomposed, "--no-explanations",
    )  # fmt: skip
    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert len(doc["units"]) == 8
    assert doc["awards"]["proposals"]["Cờ thi đua của Chính phủ"] == ["Yên Bái"]


def test_nan_is_refused_with_one_message_in_json_results_csv_results_and_targets(
    capsys, tmp_path
) -> None:
    text = (EX / "results.json").read_text(encoding="utf-8")
    as_json = tmp_path / "results.json"
    as_json.write_text(text.replace('"TP1": 92.1', '"TP1": NaN', 1), encoding="utf-8")
    code, _, err = run(capsys, "score", "--scale", SCALE, "--results", as_json)
    assert (code, err) == (2, f"Lỗi: tệp '{as_json}', units[0].results.TP1: {NOT_FINITE}\n")

    target = tmp_path / "target.json"
    target.write_text(text.replace('"DA1": 520000', '"DA1": NaN', 1), encoding="utf-8")
    code, _, err = run(capsys, "score", "--scale", SCALE, "--results", target)
    assert (code, err) == (2, f"Lỗi: tệp '{target}', units[0].targets.DA1: {NOT_FINITE}\n")

    csv_text = (EX / "results.csv").read_text(encoding="utf-8").replace("92.1,", "NaN,", 1)
    as_csv = tmp_path / "results.csv"
    as_csv.write_text(csv_text, encoding="utf-8")
    code, _, err = run(capsys, "score", "--scale", SCALE, "--results", as_csv)
    assert (code, err) == (2, f"Lỗi: tệp '{as_csv}', dòng 4, cột 6 ('TP1'): {NOT_FINITE}\n")


def test_csv_carries_the_honoured_leader_and_gives_the_same_awards_as_json(capsys) -> None:
    proposals = []
    for results in ("results.json", "results.csv"):
        code, out, err = run(
            capsys, "score", "--scale", SCALE, "--results", EX / results,
            "--awards", EX / "awards.json", "--no-explanations",
        )  # fmt: skip
        assert (code, err) == (0, "")
        doc = json.loads(out)
        assert doc["input"]["honoured_leader"] == "Yên Bái"
        proposals.append(doc["awards"]["proposals"])
    assert proposals[0] == proposals[1]
    assert proposals[1]["Cờ thi đua của Chính phủ"] == ["Yên Bái"]


def test_two_honoured_leaders_in_csv_are_refused(capsys, tmp_path) -> None:
    lines = (EX / "results.csv").read_text(encoding="utf-8").splitlines()
    lines[4] = lines[4] + "có"  # Thái Nguyên's honoured_leader cell (empty) becomes "có"
    bad = tmp_path / "results.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = run(capsys, "score", "--scale", SCALE, "--results", bad)
    assert code == 2
    assert err == (
        f"Lỗi: tệp '{bad}', cột 'honoured_leader': chỉ một đơn vị được suy tôn dẫn đầu Cụm, "
        "tệp đánh dấu “Yên Bái” (dòng 4), “Thái Nguyên” (dòng 5)\n"
    )


ENGLISH = re.compile(r"usage|options|argument|invalid|expected|required|help message|choose from")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["--robustness", "1000000000000"],
            "Lỗi: tùy chọn --robustness: cần một số nguyên từ 0 đến 100.000, "
            "nhận được “1000000000000”",
        ),
        (["--robustness", "-5"], "Lỗi: tùy chọn --robustness: cần một số nguyên từ 0 đến 100.000"),
        (["--robustness", "nhiều"], "Lỗi: tùy chọn --robustness: cần một số nguyên"),
        (["--seed", "-1"], "Lỗi: tùy chọn --seed: cần một số nguyên từ 0 đến 4.294.967.295"),
        (["--weight-jitter", "1"], "Lỗi: tùy chọn --weight-jitter: cần một số trong [0; 1)"),
        (["--input-noise", "nan"], "Lỗi: tùy chọn --input-noise: cần một số trong [0; 1]"),
        (["--judged-noise=-0,5"], "Lỗi: tùy chọn --judged-noise: cần một số trong [0; 100]"),
        (["--robustness"], "Lỗi: tùy chọn --robustness cần một giá trị"),
        (["--khong-co", "1"], "Lỗi: tham số không hợp lệ: --khong-co 1"),
    ],
)
def test_bad_options_are_refused_in_vietnamese_with_exit_2(capsys, args, expected) -> None:
    code, out, err = run(capsys, "score", "--scale", SCALE, "--results", EX / "results.json", *args)
    assert (code, out) == (2, "")
    assert err.startswith("Cách dùng: python -m thidua.engine")
    assert expected in err
    assert "tệp '--" not in err and not ENGLISH.search(err)


def test_an_unknown_command_and_the_help_are_vietnamese(capsys) -> None:
    code, _, err = run(capsys, "scor")
    assert code == 2
    assert "Lỗi: {score,validate}: lựa chọn không hợp lệ 'scor' (chọn một trong" in err
    assert not ENGLISH.search(err)
    for args in (["-h"], ["score", "-h"], ["validate", "--help"]):
        code, out, _ = run(capsys, *args)
        assert code == 0 and out.startswith("Cách dùng: ")
        assert "tùy chọn:" in out and "in hướng dẫn này" in out
        assert not ENGLISH.search(out), out


def test_an_honoured_unit_given_as_an_option_is_not_called_a_file(capsys) -> None:
    code, _, err = run(
        capsys, "score", "--scale", SCALE, "--results", EX / "results.json",
        "--awards", EX / "awards.json", "--honoured", "Hà Nội",
    )  # fmt: skip
    assert (code, err) == (
        2,
        "Lỗi: tùy chọn --honoured: đơn vị được suy tôn “Hà Nội” không có trong số liệu\n",
    )


def test_unreadable_files_are_explained_in_vietnamese_without_a_traceback(capsys, tmp_path) -> None:
    binary = tmp_path / "anh.json"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    syntax = tmp_path / "sai.json"
    syntax.write_text('{"units": [1, 2,]}', encoding="utf-8")
    nul = tmp_path / "nul.csv"
    nul.write_bytes(b"unit,TP1\nY\x00en Bai,92\n")
    long = tmp_path / "dai.csv"
    long.write_text("unit,TP1\nYên Bái," + "9" * 200_000 + "\n", encoding="utf-8")
    cases = [
        (tmp_path, f"Lỗi: tệp '{tmp_path}': đây là một thư mục, không phải tệp\n"),
        (binary, f"Lỗi: tệp '{binary}': tệp không phải văn bản UTF-8 (byte thứ 1 không hợp lệ)\n"),
        (syntax, f"Lỗi: tệp '{syntax}', dòng 1, cột 17: JSON không hợp lệ (thiếu giá trị)\n"),
        (
            nul,
            f"Lỗi: tệp '{nul}', dòng 2, cột 1: tên đơn vị “Y\\x00en Bai” chứa ký tự điều khiển\n",
        ),
        (long, f"Lỗi: tệp '{long}', dòng 2: một ô dài quá giới hạn\n"),
    ]
    for results, expected in cases:
        code, out, err = run(capsys, "score", "--scale", SCALE, "--results", results)
        assert (code, out, err) == (2, "", expected)
