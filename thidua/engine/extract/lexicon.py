"""The words the figure finder knows: units of count, qualifiers, comparison words, and the spelling
variants it treats as one (pure data, no Django import)."""

from __future__ import annotations

import re

from ..text import search_key

__all__ = [
    "APPROX",
    "UNITS",
    "VERBS",
    "canonical_unit",
    "match_key",
    "unit_pattern",
]

# canonical unit → the ways reports write it (matched case-insensitively, longest first). Only
# units of results: "tỉnh", "ngày", "tiêu chí" are deliberately absent (they count the report's
# own structure, not the unit's work).
UNITS: dict[str, tuple[str, ...]] = {
    "%": ("%", "phần trăm"),
    "vụ": ("vụ án", "vụ", "vụ việc"),
    "đối tượng": ("đối tượng",),
    "bị can": ("bị can",),
    "tỷ đồng": ("tỷ đồng", "tỉ đồng"),
    "triệu đồng": ("triệu đồng",),
    "thẻ": ("thẻ căn cước công dân", "thẻ căn cước", "thẻ CCCD", "thẻ"),
    "hồ sơ": ("hồ sơ",),
    "tin, bài": ("tin, bài", "tin bài", "tin, bài viết", "bài viết"),
    "tin báo": ("tin báo",),
    "tin": ("tin",),  # "giải quyết 1.792 tin" (after "tin báo", "tin, bài": longest first)
    "tài khoản": ("tài khoản",),
    "lượt": ("lượt",),
    "người": ("người",),
    "nạn nhân": ("nạn nhân",),
    "chuyên án": ("chuyên án",),
    "trường hợp": ("trường hợp",),
    "tập thể": ("tập thể",),
    "cá nhân": ("cá nhân",),
    "CBCS": ("cán bộ, chiến sĩ", "cán bộ, chiến sỹ", "cán bộ chiến sĩ", "cán bộ chiến sỹ", "CBCS"),
    "kg": ("kg", "kilôgam", "ki-lô-gam"),
    "gam": ("gam", "gram"),
    "bánh": ("bánh",),
    "viên": ("viên",),
    "khẩu": ("khẩu",),
    "quả": ("quả",),
    "phương tiện": ("phương tiện",),
    "cơ sở": ("cơ sở",),
    "đợt": ("đợt",),
    "cuộc": ("cuộc",),
    "lớp": ("lớp",),
    "buổi": ("buổi",),
    "mô hình": ("mô hình",),
    "điểm": ("điểm",),
    "băng, nhóm": ("băng, nhóm", "băng nhóm", "ổ nhóm"),
    "nhân khẩu": ("nhân khẩu",),
    "hộ": ("hộ",),
    "tấn": ("tấn",),
    "xã": ("xã",),
    "giấy phép lái xe": ("giấy phép lái xe", "GPLX"),
    "tụ điểm": ("tụ điểm",),
    "văn bản": ("văn bản",),
    "hội nghị": ("hội nghị",),
    "công dân": ("công dân",),
}

_UNIT_OF_WRITTEN = {w.lower(): canon for canon, ws in UNITS.items() for w in ws}


def unit_pattern() -> str:
    """One regular-expression alternation of every written unit, longest first."""
    written = sorted(_UNIT_OF_WRITTEN, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in written)


def canonical_unit(written: str) -> str:
    return _UNIT_OF_WRITTEN[" ".join(written.lower().split())]


# Words written just before a number. Approximations keep the value's sense; verbs say what the
# number does. Both are reported as the figure's qualifier, as written ("đạt hơn").
APPROX = ("hơn", "trên", "gần", "khoảng", "dưới", "xấp xỉ", "ước", "từ", "≥", "≤", ">", "<")
VERBS = ("đạt", "tăng", "giảm", "vượt", "bằng")


def match_key(s: str) -> str:
    """The key two phrasings are compared under: accents, case, punctuation and the y/i spelling
    variants dropped (text.search_key, the one normaliser)."""
    return search_key(s)
