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


def _levels(value: Any) -> str:
    return ", ".join(LEVELS.get(str(v), _plain(str(v))) for v in value)


def _plain(name: str) -> str:
    return name.replace("_", " ")


def _one(key: str, value: Any) -> str:
    if key == "ty_le_toi_da":
        return f"tỷ lệ tối đa {value}%"
    if key == "lam_tron":
        return ROUNDING.get(str(value), _plain(str(value)))
    if key == "muc_danh_gia_toi_thieu":
        return f"được đánh giá tối thiểu “{RATINGS.get(str(value), _plain(str(value)))}”"
    if key == "so_sang_kien":
        return f"{value} sáng kiến"
    if key == "pham_vi_sang_kien":
        return f"sáng kiến được công nhận {SCOPES.get(str(value), _plain(str(value)))}"
    if key == "cua_so_sang_kien_nam":
        return f"sáng kiến trong {value} năm gần nhất"
    if key == "so_nam_lien_tuc":
        return f"{value} năm liên tục"
    if key == "so_lan_lien_tuc":
        return f"{value} lần liên tục"
    if key == "chu_ky_nam":
        return f"chu kỳ {value} năm"
    if key == "ty_le_chien_si_tien_tien":
        return f"ít nhất {value}% cá nhân đạt “Chiến sĩ tiên tiến”"
    if key == "so_chien_si_thi_dua_co_so":
        return f"ít nhất {value} cá nhân đạt “Chiến sĩ thi đua cơ sở”"
    if key == "hinh_thuc_ky_luat":
        return f"kỷ luật từ {DISCIPLINE.get(str(value), _plain(str(value)))} trở lên"
    if key == "xet_ky_luat":
        return "có xét kỷ luật" if value else "không xét kỷ luật"
    if key == "cap_duoc_xet":
        if isinstance(value, Mapping):
            return "; ".join(
                f"{TITLES.get(str(k), _plain(str(k)))}: {_levels(v)}" for k, v in value.items()
            )
        return f"đơn vị được xét: {_levels(value)}"
    if isinstance(value, bool):
        return f"{_plain(key)}: {'có' if value else 'không'}"
    if isinstance(value, list | tuple):
        return f"{_plain(key)}: {', '.join(_plain(str(v)) for v in value)}"
    return f"{_plain(key)}: {_plain(str(value))}"


def parameter_words(
    parameters: Mapping[str, Any], principle: Mapping[str, bool] | None = None
) -> str:
    """The parameters (and principle switches) of a rule as one line of Vietnamese words."""
    parts = [_one(k, v) for k, v in parameters.items()]
    parts += [
        PRINCIPLES.get((k, bool(v)), f"{_plain(k)}: {'có' if v else 'không'}")
        for k, v in (principle or {}).items()
    ]
    return "; ".join(parts)
