"""JSON errors with a Vietnamese message for every failure the API can return."""

from __future__ import annotations

from ninja import Schema

PYDANTIC_MESSAGES = {
    "missing": "Thiếu trường bắt buộc.",
    "int_parsing": "Phải là số nguyên.",
    "int_type": "Phải là số nguyên.",
    "float_parsing": "Phải là số.",
    "decimal_parsing": "Phải là số.",
    "bool_parsing": "Phải là đúng/sai (true/false).",
    "string_type": "Phải là chuỗi ký tự.",
    "string_too_long": "Chuỗi quá dài.",
    "string_too_short": "Chuỗi quá ngắn.",
    "date_parsing": "Ngày không hợp lệ (định dạng YYYY-MM-DD).",
    "date_from_datetime_parsing": "Ngày không hợp lệ (định dạng YYYY-MM-DD).",
    "greater_than_equal": "Giá trị quá nhỏ.",
    "less_than_equal": "Giá trị quá lớn.",
    "greater_than": "Giá trị quá nhỏ.",
    "less_than": "Giá trị quá lớn.",
    "literal_error": "Giá trị không nằm trong danh sách cho phép.",
    "enum": "Giá trị không nằm trong danh sách cho phép.",
    "json_invalid": "Nội dung JSON không hợp lệ.",
    "model_attributes_type": "Nội dung phải là một đối tượng JSON.",
    "dict_type": "Nội dung phải là một đối tượng JSON.",
    "list_type": "Phải là một danh sách.",
}


class ErrorOut(Schema):
    detail: str


class FieldError(Schema):
    loc: list[str]
    message: str


class ValidationErrorOut(Schema):
    detail: str
    errors: list[FieldError]


def field_errors(raw_errors: list[dict]) -> list[dict]:
    out = []
    for err in raw_errors:
        loc = [str(part) for part in err.get("loc", ()) if part not in ("body", "payload")]
        message = PYDANTIC_MESSAGES.get(err.get("type", ""), "Giá trị không hợp lệ.")
        out.append({"loc": loc, "message": message})
    return out


COMMON_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}
# Writes can also be refused for the state of the year or a concurrent edit, or a body too large.
WRITE_ERRORS = {**COMMON_ERRORS, 409: ErrorOut, 413: ErrorOut}
