"""Every endpoint that takes a year answers a year it cannot use with a 4xx and a Vietnamese detail
(zero, negative, larger than any database integer), and a year before the first rule set (1976)
without a server error: a 4xx where rules are needed, the (empty) records where it only filters."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from thidua.api.api import api
from thidua.api.models import ApiToken
from thidua.org.models import User

pytestmark = pytest.mark.django_db

BAD_YEARS = ("0", "-1", "99999999999999999999")
BEFORE_THE_RULES = "1976"
VIETNAMESE = re.compile(r"[ạảãàáâầấậẩẫăằắặẳẵđêềếệểễôồốộổỗơờớợởỡưừứựửữ]", re.I)
# Values for the other parameters: real objects of the demo year, so that only the year is wrong.
OTHERS = {
    "number": "3",
    "code": "lao-cai-2025",
    "unit": "lao-cai-2025",
    "award": "chien_si_thi_dua_co_so",
}


def bearer(username: str) -> Client:
    _, token = ApiToken.issue(User.objects.get(username=username), "kiểm thử")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def operations_taking_a_year() -> list[tuple[str, str, dict]]:
    found = []
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method, operation in methods.items():
            names = {p["name"]: p for p in operation.get("parameters", [])}
            if "year" in names:
                found.append((method, path, names))
    return found


def call(client: Client, method: str, path: str, params: dict, year: str):
    url = path.replace("{year}", year)
    for name, spec in params.items():
        if spec["in"] == "path" and name != "year":
            url = url.replace("{" + name + "}", OTHERS.get(name, "1"))
    query = {"year": year} if params["year"]["in"] == "query" else {}
    for name, spec in params.items():
        if spec["in"] == "query" and spec.get("required") and name != "year":
            query[name] = OTHERS.get(name, "1")
    if method == "get":
        return client.get(url, query)
    target = url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    return getattr(client, method)(target, json.dumps({}), content_type="application/json")


def test_the_unit_suggestions_of_a_year_before_any_rule_set_are_a_vietnamese_422():
    response = bearer("canbo.laocai").get("/api/v1/units/lao-cai-2025/suggestions", {"year": 1976})
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["errors"][0]["loc"] == ["year"]
    assert "Không có bộ quy tắc nào có hiệu lực" in body["errors"][0]["message"]


def test_the_suggestions_page_of_a_year_before_any_rule_set_says_so_on_the_year():
    client = Client()
    client.force_login(User.objects.get(username="canbo.laocai"))
    url = reverse("honours_suggestions", args=["lao-cai-2025"])
    response = client.get(url, {"year": 1976})
    assert response.status_code == 422
    assert "Không có bộ quy tắc nào có hiệu lực" in response.content.decode()


def test_every_operation_taking_a_year_answers_a_year_it_cannot_use_with_a_vietnamese_4xx():
    operations = operations_taking_a_year()
    assert len(operations) >= 20  # the cycle's endpoints all sit under /clusters/{year}/…
    client = bearer("bo.pheduyet")  # the Ministry approver reaches every cluster and unit
    failures = []
    for method, path, params in operations:
        for year in (*BAD_YEARS, BEFORE_THE_RULES):
            response = call(client, method, path, params, year)
            text = response.content.decode()
            refused = 400 <= response.status_code < 500
            ok = (
                refused
                and response["Content-Type"].startswith("application/json")
                and VIETNAMESE.search(json.loads(text).get("detail", ""))
            ) or (year == BEFORE_THE_RULES and response.status_code == 200)
            if not ok:
                failures.append(f"{method.upper()} {path} year={year} → {response.status_code}")
    assert not failures, "\n".join(failures)
