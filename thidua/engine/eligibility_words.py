"""A rule's parameters said in words, for the pages officers read (never the raw JSON).

``{"ty_le_toi_da": 15, "lam_tron": "xuong"}`` reads "tỷ lệ tối đa 15%; làm tròn xuống". A parameter
this table does not know is said with its name's words ("chu ky nam" → "chu kỳ năm"), never braces.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from thidua.engine.eligibility_rules import ROUNDING

LEVELS = {
    "cap_cuc_tinh": "cấp Cục, Công an tỉnh và tương đương",
    "cap_phong_huyen": "cấp phòng, Công an cấp huyện và tương đương",
    "cap_doi_xa": "cấp đội, Công an cấp xã và tương đương",
}
SCOPES = {"co_so": "cấp cơ sở", "bo": "cấp Bộ", "toan_quoc": "toàn quốc"}
RATINGS = {
    "hoan_thanh_tot": "hoàn thành tốt nhiệm vụ",
    "hoan_thanh_xuat_sac": "hoàn thành xuất sắc nhiệm vụ",
}
DISCIPLINE = {"khien_trach": "khiển trách", "canh_cao": "cảnh cáo", "ha_bac_luong": "hạ bậc lương"}
TITLES = {
    "don_vi_quyet_thang": "Đơn vị quyết thắng",
    "don_vi_tien_tien": "Đơn vị tiên tiến",
    "co_thi_dua_chinh_phu": "Cờ thi đua của Chính phủ",
}
PRINCIPLES = {
    ("lower_award_required", False): "không bắt buộc đã có khen thưởng mức thấp hơn",
    ("lower_award_required", True): "phải đã có khen thưởng mức thấp hơn",
    ("revoked_awards_count", False): "khen thưởng đã bị hủy bỏ, thu hồi không được tính",
    ("revoked_awards_count", True): "khen thưởng đã bị hủy bỏ, thu hồi vẫn được tính",
}


# A parameter said with its value: "{}" stands for the value, said in words by the table where one
# is given (a value the table does not know is said with its own words).
SAID: dict[str, tuple[str, Mapping[str, str] | None]] = {
    "ty_le_toi_da": ("tỷ lệ tối đa {}%", None),
    "lam_tron": ("{}", ROUNDING),
    "muc_danh_gia_toi_thieu": ("được đánh giá tối thiểu “{}”", RATINGS),
    "so_sang_kien": ("{} sáng kiến", None),
    "pham_vi_sang_kien": ("sáng kiến được công nhận {}", SCOPES),
    "cua_so_sang_kien_nam": ("sáng kiến trong {} năm gần nhất", None),
    "so_nam_lien_tuc": ("{} năm liên tục", None),
    "so_lan_lien_tuc": ("{} lần liên tục", None),
    "chu_ky_nam": ("chu kỳ {} năm", None),
    "ty_le_chien_si_tien_tien": ("ít nhất {}% cá nhân đạt “Chiến sĩ tiên tiến”", None),
    "so_chien_si_thi_dua_co_so": ("ít nhất {} cá nhân đạt “Chiến sĩ thi đua cơ sở”", None),
    "hinh_thuc_ky_luat": ("kỷ luật từ {} trở lên", DISCIPLINE),
}


def _plain(name: str) -> str:
    return name.replace("_", " ")


def _word(table: Mapping[str, str], value: Any) -> str:
    return table.get(str(value), _plain(str(value)))


def _levels(value: Any) -> str:
    return ", ".join(_word(LEVELS, v) for v in value)


def _yes_no(key: str, value: Any) -> str:
    return f"{_plain(key)}: {'có' if value else 'không'}"


def _one(key: str, value: Any) -> str:
    if key in SAID:
        words, table = SAID[key]
        return words.format(_word(table, value) if table is not None else value)
    if key == "xet_ky_luat":
        return "có xét kỷ luật" if value else "không xét kỷ luật"
    if key == "cap_duoc_xet":
        if isinstance(value, Mapping):
            return "; ".join(f"{_word(TITLES, k)}: {_levels(v)}" for k, v in value.items())
        return f"đơn vị được xét: {_levels(value)}"
    if isinstance(value, bool):
        return _yes_no(key, value)
    if isinstance(value, list | tuple):
        return f"{_plain(key)}: {', '.join(_plain(str(v)) for v in value)}"
    return f"{_plain(key)}: {_plain(str(value))}"


def parameter_words(
    parameters: Mapping[str, Any], principle: Mapping[str, bool] | None = None
) -> str:
    """The parameters (and principle switches) of a rule as one line of Vietnamese words."""
    parts = [_one(k, v) for k, v in parameters.items()]
    parts += [PRINCIPLES.get((k, bool(v))) or _yes_no(k, v) for k, v in (principle or {}).items()]
    return "; ".join(parts)
