"""The Word documents open in python-docx with the official layout and the year's facts."""

from __future__ import annotations

import docx
import pytest
from docx.shared import Pt

from tests.documents.conftest import PLACE_DATE, PUBLISHED_AWARDS, RANK_ORDER, in_order

# The documents are rendered once per session (conftest.documents_2021) from the demo database.
pytestmark = pytest.mark.django_db

HEADER = [
    "BỘ CÔNG AN",
    "CỤM THI ĐUA SỐ 3",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
]


def _open(documents_2021, kind):
    return docx.Document(str(documents_2021[(kind, "docx")]))


def _text(document) -> str:
    """Body paragraphs and table cells, in document order."""
    parts = []
    for block in document.element.body.iterchildren():
        parts.append("".join(t.text or "" for t in block.iter(docx.oxml.ns.qn("w:t"))))
    return "\n".join(parts)


def _cells(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


@pytest.mark.parametrize(
    ("kind", "symbol"), [("report", "BC"), ("minutes", "BB"), ("submission", "TTr")]
)
def test_every_document_opens_with_the_issuer_and_national_motto_side_by_side(
    documents_2021, kind, symbol
):
    document = _open(documents_2021, kind)
    header = document.tables[0]
    issuer, nation = header.cell(0, 0), header.cell(0, 1)
    assert [p.text for p in issuer.paragraphs if p.text] == HEADER[:2]
    assert [p.text for p in nation.paragraphs if p.text] == HEADER[2:]
    assert issuer.paragraphs[1].runs[0].bold and not issuer.paragraphs[0].runs[0].bold
    assert all(p.runs[0].bold for p in nation.paragraphs if p.text)
    # The rules under the issuing body and the motto are paragraph borders, not pictures.
    assert len(issuer._tc.xpath(".//w:pBdr/w:top")) == 1
    assert len(nation._tc.xpath(".//w:pBdr/w:top")) == 1
    assert header.cell(1, 0).text == f"Số: …/{symbol}-CTĐ3"
    place = header.cell(1, 1).paragraphs[0]
    assert place.text == PLACE_DATE and place.runs[0].italic
    assert not document.inline_shapes  # real text, no images


def test_pages_are_a4_with_decree_30_margins_and_times_new_roman(documents_2021):
    document = _open(documents_2021, "report")
    section = document.sections[0]

    def mm(length) -> float:
        return round(length.mm, 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (20, 20)
    assert (mm(section.left_margin), mm(section.right_margin)) == (30, 15)
    assert section.different_first_page_header_footer  # no page number on page 1
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert Pt(13) <= document.styles["Body Text"].font.size <= Pt(14)
    body = [p for p in document.paragraphs if p.style.name == "Body Text"]
    assert len(body) > 10
    assert document.core_properties.language == "vi-VN"


def test_report_has_its_title_sections_and_the_facts_of_the_year(documents_2021):
    document = _open(documents_2021, "report")
    titles = [p for p in document.paragraphs if p.text in ("BÁO CÁO",)]
    assert titles and titles[0].runs[0].bold
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "I. CÔNG TÁC TRIỂN KHAI PHONG TRÀO THI ĐUA"
    assert headings[-1] == "VI. CỤM TRƯỞNG, CỤM PHÓ NĂM 2022"
    text = _text(document)
    assert "Tổng kết phong trào thi đua “Vì an ninh Tổ quốc” năm 2021" in text
    assert "Dữ liệu minh họa" in text  # the demo year says so
    assert "Có 8/8 đơn vị (100%) đăng ký danh hiệu thi đua" in text
    assert "bình quân đạt 90,5%, cao hơn chỉ tiêu Bộ giao (76%) 14,5%" in text
    assert "3.356 lượt tập thể, 7.918 lượt cá nhân" in text
    assert "9.600 lượt" in text
    assert "7 phiếu đồng ý, 0 phiếu không đồng ý, 1 không biểu quyết" in text
    assert "Công an tỉnh Yên Bái được suy tôn dẫn đầu" in text
    assert "Công an tỉnh Thái Nguyên làm Cụm trưởng, Công an tỉnh Bắc Giang làm Cụm phó" in text
    assert text.rstrip().count("./.") == 1


def test_report_ranks_the_eight_units_with_yen_bai_first(documents_2021):
    document = _open(documents_2021, "report")
    ranking = _cells(document.tables[1])
    assert ranking[0] == ["Xếp hạng", "Đơn vị", "Tổng điểm"]
    assert [row[0] for row in ranking[1:]] == [str(n) for n in range(1, 9)]
    names = [row[1] for row in ranking[1:]]
    assert [n.removeprefix("Công an tỉnh ").split(" (")[0] for n in names] == RANK_ORDER
    assert ranking[1][2] == "98,11" and ranking[4][2] == "94,60"
    # The header row repeats on a new page and rows do not split.
    assert document.tables[1].rows[0]._tr.xpath("./w:trPr/w:tblHeader")


def test_report_lists_the_published_awards_with_the_ministrys_decision(documents_2021):
    document = _open(documents_2021, "report")
    rows = _cells(document.tables[2])[1:]
    awarded = {}
    for _, unit, award, state in rows:
        awarded.setdefault(award, []).append(unit.removeprefix("Công an tỉnh "))
        assert state == "Bộ phê duyệt"
    assert awarded == PUBLISHED_AWARDS


def test_report_ends_with_recipients_left_and_the_leaders_signature_right(documents_2021):
    document = _open(documents_2021, "report")
    closing = document.tables[-1]
    left, right = closing.cell(0, 0), closing.cell(0, 1)
    assert left.paragraphs[0].text == "Nơi nhận:"
    assert left.paragraphs[0].runs[0].bold and left.paragraphs[0].runs[0].italic
    assert left.paragraphs[-1].text == "- Lưu: VT, CTĐ3."
    lines = [p.text for p in right.paragraphs if p.text.strip()]
    assert lines[:3] == ["TM. CỤM THI ĐUA SỐ 3", "CỤM TRƯỞNG", "GIÁM ĐỐC CÔNG AN TỈNH YÊN BÁI"]
    assert lines[3].startswith("……")  # the name is left for the signer


def test_minutes_record_attendance_agenda_vote_and_decisions(documents_2021):
    document = _open(documents_2021, "minutes")
    text = _text(document)
    assert "BIÊN BẢN" in text
    assert "Thời gian: …… giờ …… phút, ngày 03 tháng 12 năm 2021." in text
    assert "Thành phần: lãnh đạo, đại diện 8/8 đơn vị thành viên Cụm thi đua số 3:" in text
    assert all(f"- Công an tỉnh {name}" in text for name in RANK_ORDER)
    assert text.count("- Công an tỉnh") == len(RANK_ORDER) and "- Công an tỉnh Yên Bái." in text
    assert "I. CHƯƠNG TRÌNH HỘI NGHỊ" in text
    assert (
        "Số đơn vị tham gia biểu quyết: 8/8 (yêu cầu tối thiểu 2/3 số thành viên, tức 6 đơn vị): đủ điều kiện biểu quyết"
        in text
    )
    assert "Đồng ý: 7 phiếu; không đồng ý: 0 phiếu; không biểu quyết: 1" in text
    assert "Tỷ lệ đồng ý: 7/8 tổng số thành viên (87,5%)" in text
    assert (
        "Cờ thi đua của Bộ Công an (06 tập thể): Công an các tỉnh: Bắc Giang, Quảng Ninh, Hòa Bình, Tuyên Quang, Thái Nguyên, Bắc Kạn"
        in text
    )
    ranking = _cells(document.tables[1])[1:]
    assert in_order("\n".join(r[1] for r in ranking), RANK_ORDER)
    closing = document.tables[-1]
    assert closing.cell(0, 0).paragraphs[0].text == "THƯ KÝ"
    assert closing.cell(0, 1).paragraphs[0].text == "CHỦ TRÌ"


def test_submission_asks_the_award_board_with_the_list_after_the_signature(documents_2021):
    document = _open(documents_2021, "submission")
    text = _text(document)
    assert "TỜ TRÌNH" in text
    assert "Kính gửi: Hội đồng Thi đua - Khen thưởng Bộ Công an" in text
    assert "khen thưởng 08 tập thể" in text
    assert "- Cờ thi đua của Bộ Công an: 06 tập thể;" in text
    assert text.index("TM. CỤM THI ĐUA SỐ 3") < text.index("DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG")
    listing = _cells(document.tables[-1])
    assert listing[0] == ["STT", "Tên tập thể", "Hình thức đề nghị", "Tổng điểm", "Ghi chú"]
    sections = [row[0] for row in listing if len(set(row)) == 1]
    assert sections == [
        "1. Cờ thi đua của Chính phủ (01 tập thể)",
        "2. Cờ thi đua của Bộ Công an (06 tập thể)",
        "3. Bằng khen của Bộ trưởng Bộ Công an (01 tập thể)",
    ]
    units = [row for row in listing[1:] if len(set(row)) > 1]
    assert [row[0] for row in units] == [str(n) for n in range(1, 9)]
    assert units[0][1:4] == ["Công an tỉnh Yên Bái", "Cờ thi đua của Chính phủ", "98,11"]
    assert "Không có cá nhân đề nghị khen thưởng" in text
