"""Bad request bodies for every write operation of /api/v1/, generated from the OpenAPI document.

For each operation that takes a body, Hypothesis builds bodies that are wrong in the ways clients get
them wrong: bytes that are not JSON or not UTF-8, JSON cut short, the wrong top-level type, required
fields left out, fields of the wrong type, numbers too large for any column, strings of a hundred
thousand characters, NUL characters and lone surrogates, decomposed Vietnamese, nesting hundreds of
levels deep, and a body larger than the server accepts. Each is sent with the bearer token of one of
the users who can write in the open year (path parameters name real objects, so the handlers'
own checks run too).

Every answer must be an answer, never a server error. A refusal is JSON with a `detail` in
Vietnamese (and Vietnamese messages for each field), and a refused request leaves the database as it
was: the same number of rows in every table of the application, the same versions of every editable
record, the same audit log. A body that cannot be a valid request at all must be refused (422/413).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test import Client
from hypothesis import HealthCheck, Phase, given, seed
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from thidua.api.api import api
from thidua.api.models import ApiToken
from thidua.org.models import User

pytestmark = pytest.mark.django_db

# Bodies per operation; FUZZ_EXAMPLES=200 for a longer hunt (same seed, more of the sequence).
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "14"))
USERS = ("thuongtruc.caobang", "canbo.laocai", "bo.pheduyet")
VIETNAMESE = re.compile(
    r"[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]", re.IGNORECASE
)
# Words of the framework's own (English) messages that must never reach a user.
ENGLISH = re.compile(
    r"\b(field required|cannot parse|invalid|value is not|input should|error)\b", re.I
)


# -- the operations, from the OpenAPI document ------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    media_type: str
    schema: dict
    required: bool

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def _document() -> dict:
    return api.get_openapi_schema()


def resolve(schema: dict, components: dict) -> dict:
    """The schema with every $ref replaced (the API's schemas are not recursive beyond a level)."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            return resolve(
                {**components[name], **{k: v for k, v in schema.items() if k != "$ref"}}, components
            )
        return {k: resolve(v, components) for k, v in schema.items()}
    if isinstance(schema, list):
        return [resolve(item, components) for item in schema]
    return schema


def body_operations() -> list[Operation]:
    doc = _document()
    components = doc.get("components", {}).get("schemas", {})
    found = []
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            body = op.get("requestBody")
            if not body:
                continue
            (media_type, content), *_ = body["content"].items()
            schema = resolve(content.get("schema", {}), components)
            found.append(
                Operation(method.upper(), path, media_type, schema, bool(body.get("required")))
            )
    return found


OPERATIONS = body_operations()


# -- a plausible body for a schema, and bad values to put in it ------------------------------------


def object_schema(schema: dict) -> dict | None:
    """The object schema of a body (an optional body is `anyOf: [object, null]`)."""
    if schema.get("type") == "object" or "properties" in schema:
        return schema
    for option in schema.get("anyOf", []):
        found = object_schema(option)
        if found is not None:
            return found
    return None


def plausible(schema: dict, hints: dict[str, Any] | None = None) -> Any:
    """A simple value of the schema's type: the skeleton the mutations are applied to. `hints`
    gives values for named fields (the current `version` of the record, so that the handler's own
    checks run rather than the stale-version refusal)."""
    hints = hints or {}
    if "enum" in schema:
        return schema["enum"][0]
    if "anyOf" in schema:
        return plausible(next((s for s in schema["anyOf"] if s.get("type") != "null"), {}), hints)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {
            name: hints[name] if name in hints else plausible(props[name])
            for name in schema.get("required", [])
        }
    if kind == "array":
        return []
    if kind == "integer":
        return max(schema.get("minimum", 1), 1)
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return False
    if kind == "string":
        if schema.get("format") == "date":
            return "2025-05-01"
        if schema.get("format") == "binary":
            return "x"
        return "Nội dung"
    return "x"


WEIRD_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\u202egnaid\u202c",  # right-to-left override
        "Ha\u0300 No\u0323\u0302i",  # decomposed (NFD) Vietnamese
        "\u200b\u200d\ufeff",  # zero-width characters and a BOM
        "👮\u200d♀️🇻🇳",
        "Z̴̡̛͎̰̘̈́̾a̷l̶g̵o̸",
        "<script>alert(1)</script>",
        "'; DROP TABLE thidua; --",
        '=HYPERLINK("http://x")',
        "1.234.567,89",
        "410.000",
        "80,5",
        "１２３",  # full-width digits
        "١٢٣",  # Arabic-Indic digits
        "1e999",
        "-0",
        "NaN",
        "Infinity",
        "2025-02-30",
        "0000-00-00",
        "31/12/2025",
        "\x1b[31m",
        "\t\r\n",
    ]
)
BIG_NUMBERS = st.sampled_from(
    [10**30, -(10**30), 2**31, 2**31 - 1, 2**63, -(2**63) - 1, -1, 0, 1e308, -1e-308, 0.5, -0.0]
)
BAD_VALUE = st.one_of(
    BIG_NUMBERS,
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    WEIRD_TEXT,
    st.text(max_size=40),
    st.integers(min_value=1_000, max_value=120_000).map(lambda n: "Ệ" * n),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.just({"a": [{"b": {"c": None}}]}),
)


def edgy(schema: dict, keys: list[str]) -> st.SearchStrategy[Any]:
    """Values of the right type with awkward content: boundaries, odd text, odd dates, odd keys."""
    if "enum" in schema:
        values = [v for v in schema["enum"] if isinstance(v, str)]
        return st.sampled_from(
            schema["enum"] + [v.upper() for v in values] + [f" {v}" for v in values]
        )
    if "anyOf" in schema:
        return st.one_of([edgy(option, keys) for option in schema["anyOf"]])
    kind = schema.get("type")
    if kind == "string":
        if schema.get("format") == "date":
            return st.sampled_from(
                ["0001-01-01", "9999-12-31", "2024-02-29", "2025-02-29", "2025-13-01", "1900-01-01"]
            )
        longest = schema.get("maxLength", 100_000)
        return st.one_of(
            WEIRD_TEXT,
            st.text(max_size=30),
            st.sampled_from(keys),
            st.sampled_from([longest, longest + 1, 5_000]).map(lambda n: "ệ" * min(n, 100_001)),
        )
    if kind in ("integer", "number"):
        low, high = schema.get("minimum"), schema.get("maximum")
        bounds = [b + d for b in (low, high) if b is not None for d in (-1, 0, 1)]
        return st.one_of(
            st.sampled_from(bounds or [0]),
            BIG_NUMBERS.filter(lambda v: isinstance(v, int) or kind == "number"),
        )
    if kind == "boolean":
        return st.sampled_from([True, False, "true", "không", 1, 0])
    if kind == "array":
        return st.lists(edgy(schema.get("items", {}), keys), max_size=6)
    if kind == "object" or "additionalProperties" in schema or "properties" in schema:
        inner = schema.get("additionalProperties")
        if isinstance(inner, dict) and inner:
            values = edgy(inner, keys)
        else:  # free-form values (results, targets): anything, mostly awkward
            values = st.one_of(
                BAD_VALUE, WEIRD_TEXT, st.dictionaries(st.sampled_from(keys), BAD_VALUE, max_size=3)
            )
        return st.dictionaries(
            st.one_of(st.sampled_from(keys), WEIRD_TEXT, st.text(max_size=8)), values, max_size=6
        )
    return BAD_VALUE


@st.composite
def mutated_body(draw: Any, schema: dict, keys: list[str], hints: dict[str, Any]) -> Any:
    """A body shaped like the schema with one to three fields made awkward, wrong, dropped or added:
    most stay of the documented type, so the handlers' own checks are reached."""
    shape = object_schema(schema) or {}
    body = plausible(shape, hints) if shape else {}
    props = shape.get("properties", {})
    names = sorted(props)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        action = draw(st.sampled_from(["edgy"] * 6 + ["replace", "drop", "add", "nest"]))
        if action == "edgy" and names:
            name = draw(st.sampled_from(names))
            body[name] = draw(edgy(props[name], keys))
        elif action == "replace" and names:
            body[draw(st.sampled_from(names))] = draw(BAD_VALUE)
        elif action == "drop" and body:
            body.pop(draw(st.sampled_from(sorted(body))))
        elif action == "add":
            body[draw(st.text(min_size=1, max_size=12))] = draw(BAD_VALUE)
        elif action == "nest" and names:
            # A value (or a map of values, such as `values` or `targets`) nested very deep.
            deep: Any = draw(BAD_VALUE)
            for _ in range(draw(st.integers(min_value=2, max_value=80))):
                deep = {draw(st.sampled_from(keys)): deep} if draw(st.booleans()) else [deep]
            body[draw(st.sampled_from(names))] = deep
    return body


@dataclass
class Bad:
    """A body to send and whether it can possibly be a valid request."""

    data: bytes
    content_type: str
    malformed: bool  # True: must be refused with 422/413
    why: str

    def __repr__(self) -> str:
        return f"Bad({self.why}, {self.content_type}, {self.data[:300]!r}…{len(self.data)} bytes)"


def to_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


@st.composite
def bad_json_body(draw: Any, op: Operation, keys: list[str], hints: dict[str, Any]) -> Bad:
    ct = "application/json"
    skeleton = to_json(plausible(object_schema(op.schema) or op.schema, hints))
    kind = draw(
        st.sampled_from(
            [
                *["mutated"] * 8,
                "bytes",
                "truncated",
                "not-utf8",
                "top-level",
                "constant",
                "escape",
                "missing",
            ]
        )
    )
    if kind == "mutated":
        body = draw(mutated_body(op.schema, keys, hints))
        return Bad(to_json(body), ct, False, "fields made awkward or wrong")
    if kind == "bytes":
        data = draw(st.binary(min_size=1, max_size=200))
        try:
            json.loads(data)
        except ValueError:
            return Bad(data, ct, True, "random bytes")
        return Bad(data, ct, False, "random bytes that happen to be JSON")
    if kind == "truncated":
        # Positions as fractions: the skeleton's length depends on the record's current version.
        cut = max(1, int(draw(st.integers(0, 1000)) / 1000 * (len(skeleton) - 1)))
        return Bad(skeleton[:cut], ct, True, "JSON cut short")
    if kind == "not-utf8":
        at = int(draw(st.integers(0, 1000)) / 1000 * len(skeleton))
        junk = draw(st.sampled_from([b"\xff", b"\xc3\x28", b"\xe1\xbb", b"\xed\xa0\x80", b"\x80"]))
        text = skeleton.replace(b'"N', b'"' + junk + b"N", 1) if b'"N' in skeleton else None
        if text is None:
            text = skeleton[:at] + junk + skeleton[at:]
        return Bad(text, ct, True, "invalid UTF-8")
    if kind == "top-level":
        value = draw(
            st.sampled_from(
                [[], [skeleton.decode()], "chuỗi", 42, 3.5, True, {"a": 1} if False else []]
            )
        )
        return Bad(to_json(value), ct, True, "wrong top-level type")
    if kind == "constant":
        token = draw(st.sampled_from(["NaN", "Infinity", "-Infinity", "1e400", "-1e999"]))
        body = plausible(object_schema(op.schema) or {})
        key = draw(st.sampled_from(sorted(body))) if body else "x"
        text = to_json({**body, key: "__TOKEN__"}).replace(b'"__TOKEN__"', token.encode())
        return Bad(text, ct, True, f"JSON constant {token}")
    if kind == "escape":
        escape = draw(st.sampled_from([r"\u0000", r"\ud800", r"\udfff", r"a\u0000b"]))
        body = plausible(object_schema(op.schema) or {})
        key = draw(st.sampled_from(sorted(body))) if body else "x"
        text = to_json({**body, key: "__TOKEN__"}).replace(
            b'"__TOKEN__"', b'"' + escape.encode() + b'"'
        )
        return Bad(text, ct, True, f"string with {escape}")
    # "missing": every required field left out.
    shape = object_schema(op.schema) or {}
    if shape.get("required"):
        return Bad(b"{}", ct, True, "required fields missing")
    return Bad(b"{}", ct, False, "empty object (nothing required)")


@st.composite
def bad_multipart_body(draw: Any, op: Operation) -> Bad:
    kind = draw(st.sampled_from(["no-boundary", "garbage", "json", "no-file", "cut"]))
    boundary = "----thidua-kiem-thu"
    form = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n%PDF-1.4 ...\r\n"
        f"--{boundary}--\r\n"
    ).encode()
    if kind == "no-boundary":
        return Bad(form, "multipart/form-data", True, "multipart without a boundary")
    if kind == "garbage":
        data = draw(st.binary(min_size=1, max_size=200))
        return Bad(data, f"multipart/form-data; boundary={boundary}", True, "random bytes")
    if kind == "json":
        return Bad(b'{"file": "x"}', "application/json", True, "JSON instead of a form")
    if kind == "no-file":
        other = form.replace(b'name="file"', b'name="tep"')
        return Bad(other, f"multipart/form-data; boundary={boundary}", True, "no file field")
    cut = draw(st.integers(min_value=1, max_value=len(form) - 1))
    return Bad(form[:cut], f"multipart/form-data; boundary={boundary}", True, "form cut short")


def bad_body(op: Operation, keys: list[str], hints: dict[str, Any]) -> st.SearchStrategy[Bad]:
    if op.media_type.startswith("multipart/"):
        return bad_multipart_body(op)
    return bad_json_body(op, keys, hints)


# -- the database, before and after -----------------------------------------------------------------


def database_state() -> tuple:
    """Rows of every table of the application and the versions of every editable record: one query."""
    q = connection.ops.quote_name
    parts = []
    for model in apps.get_models():
        if not model.__module__.startswith("thidua.") or model._meta.model_name == "apitoken":
            continue
        table = q(model._meta.db_table)
        parts.append(f"(SELECT COUNT(*) FROM {table})")
        if any(f.name == "version" for f in model._meta.fields):
            parts.append(f"(SELECT COALESCE(SUM({q('version')}), 0) FROM {table})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return tuple(cursor.fetchone())


# -- path parameters naming real objects ------------------------------------------------------------


@dataclass
class Stage:
    """What the generated requests stand on: the callers and real objects of the open year."""

    clients: dict[str, Client]
    real: dict[str, list[Any]]
    own: dict[str, dict[str, list[Any]]]  # per user: the objects they may write
    keys: list[str]  # criterion and unit codes: the keys of `values`, `targets`, `remarks`


@pytest.fixture
def stage(world) -> Stage:
    from tests.honours.conftest import award_to, person
    from thidua.cycle.models import Cycle
    from thidua.cycle.scoring import scale_of
    from thidua.honours.models import Commendation, Person

    clients = {}
    for username in USERS:
        _, token = ApiToken.issue(User.objects.get(username=username), "kiểm thử")
        clients[username] = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    # Records the Lào Cai officer may edit (the Ministry approver may edit every record).
    officer = User.objects.get(username="canbo.laocai")
    mine = person("lao-cai-2025", name="Lò Văn Kiểm", since=dt.date(2025, 7, 1), by=officer)
    award_to(mine, "chien_si_tien_tien", 2025, by=officer)
    award_to(world.unit("lao-cai-2025"), "don_vi_quyet_thang", 2025, by=officer)

    cycle = Cycle.objects.select_related("cluster").get(cluster__year=2025, cluster__number=3)
    members = [u.code for u in cycle.members()]
    real = {
        "year": [2025],
        "number": [3],
        "code": ["lao-cai-2025", "cao-bang", *members],
        "unit": members,
        "inspection_id": list(cycle.inspections.values_list("pk", flat=True)),
        "proposal_id": list(cycle.proposals.values_list("pk", flat=True)),
        "drive_id": list(cycle.drives.values_list("pk", flat=True)),
        "dispute_id": list(cycle.disputes.values_list("pk", flat=True)),
        "person_id": [mine.pk, *Person.objects.order_by("pk").values_list("pk", flat=True)[:5]],
        "commendation_id": list(
            Commendation.objects.order_by("-pk").values_list("pk", flat=True)[:4]
        ),
    }
    keys = [c.code for c in scale_of(cycle.method).criteria] + members
    own = {
        "canbo.laocai": {
            "code": ["lao-cai-2025"],
            "unit": ["lao-cai-2025"],
            "person_id": [mine.pk],
            "commendation_id": real["commendation_id"][:2],
        },
        "thuongtruc.caobang": {},
        "bo.pheduyet": {},
    }
    return Stage(clients, {k: v for k, v in real.items() if v}, own, keys)


def fill(path: str, values: dict[str, Any]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)


def current_version(client: Client, url: str) -> dict[str, Any]:
    """The `version` a client would have read before writing (GET of the record or its parent)."""
    for candidate in (url, url.rsplit("/", 1)[0]):
        response = client.get(candidate)
        if response.status_code == 200 and response["Content-Type"].startswith("application/json"):
            body = response.json()
            if isinstance(body, dict) and isinstance(body.get("version"), int):
                return {"version": body["version"]}
    return {}


def assert_refused_in_vietnamese(response: Any, context: str) -> None:
    assert response["Content-Type"].startswith("application/json"), context
    body = response.json()
    detail = body.get("detail")
    assert isinstance(detail, str) and VIETNAMESE.search(detail), context
    assert not ENGLISH.search(detail), context
    for error in body.get("errors", []):
        assert VIETNAMESE.search(error["message"]) and not ENGLISH.search(error["message"]), context


def test_the_document_lists_write_operations_with_bodies() -> None:
    assert len(OPERATIONS) >= 10
    assert any(op.path.endswith("/results") and op.method == "PUT" for op in OPERATIONS)


OVERSIZED = Bad(
    b'{"x": "' + b"A" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10) + b'"}',
    "application/json",
    True,
    "larger than the server accepts",
)


@pytest.mark.parametrize("op", OPERATIONS, ids=str)
def test_bad_bodies_are_refused_in_vietnamese_and_write_nothing(
    op: Operation, stage: Stage
) -> None:
    names = re.findall(r"\{(\w+)\}", op.path)
    seen: list[int] = []

    @seed(20250701)
    @hsettings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def send(data: Any) -> None:
        def pick(values: list[Any], label: str) -> Any:
            return data.draw(st.sampled_from(values), label=label)

        username = pick(list(USERS), "user")
        pools = {**stage.real, **stage.own[username]}
        url = fill(op.path, {n: pick(pools.get(n) or [1], n) for n in names})
        client = stage.clients[username]
        hints = current_version(client, url) if "version" in json.dumps(op.schema) else {}
        bad = data.draw(bad_body(op, stage.keys, hints), label="body")
        before = database_state()
        response = client.generic(op.method, url, bad.data, content_type=bad.content_type)
        context = f"{op} as {username} → {url} {response.status_code}: {bad!r}\n{response.content[:600]!r}"
        assert response.status_code < 500, context
        seen.append(response.status_code)
        if bad.malformed:
            # A JSON body is read before anything else (422/413); a form may be read after the
            # access checks, so an inaccessible object can answer 404 first.
            refusals = (413, 422) if op.media_type == "application/json" else range(400, 500)
            assert response.status_code in refusals, context
        if response.status_code >= 400:
            assert_refused_in_vietnamese(response, context)
            assert database_state() == before, "refused but written: " + context

    send()
    assert seen and any(status >= 400 for status in seen)


def test_a_body_larger_than_the_server_accepts_is_413_in_vietnamese(stage: Stage) -> None:
    client = stage.clients["canbo.laocai"]
    url = "/api/v1/clusters/2025/3/units/lao-cai-2025/results"
    before = database_state()
    response = client.put(url, OVERSIZED.data, content_type=OVERSIZED.content_type)
    assert response.status_code == 413
    assert response.json()["detail"].startswith("Nội dung gửi lên quá lớn")
    assert database_state() == before
