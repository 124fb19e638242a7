"""Tamper evidence that holds against someone who can rewrite the whole database.

Such an intruder can recompute plain hashes and roll the head row back; they hold neither the
audit key (outside the database) nor write access to the anchor file. Each of the four attacks of
issue 13 is played here against `verify_audit`; tests/ops/test_backup_restore.py plays them
against `restore`.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from thidua.audit import anchors
from thidua.audit.keys import key_id_of, keyring
from thidua.audit.log import GENESIS_HASH, compute_hash, record, utc_iso, verify_chain
from thidua.audit.models import AuditChainHead, AuditRecord
from thidua.org.models import Movement

pytestmark = pytest.mark.django_db

TABLE = AuditRecord._meta.db_table
HEAD_TABLE = AuditChainHead._meta.db_table
KEY = "khoa-nhat-ky-kiem-thu-" + "x" * 40


@pytest.fixture
def outside(settings: Any, tmp_path: Path) -> Path:
    """The audit key file and the anchor file, both outside the database."""
    key_file = tmp_path / "audit_key"
    key_file.write_text(KEY + "\n", encoding="utf-8")
    settings.AUDIT_KEY = ""
    settings.AUDIT_KEY_FILE = str(key_file)
    settings.AUDIT_ANCHOR_FILE = str(tmp_path / "audit-anchors.log")
    return tmp_path


@pytest.fixture
def committed(make_records: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """make_records, with each transaction's commit hooks run (the anchor is written there)."""

    def make(n: int) -> list[AuditRecord]:
        made = []
        for _ in range(n):  # one commit each, as requests do
            with django_capture_on_commit_callbacks(execute=True):
                made += make_records(1)
        return made

    return make


def raw_sql(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def plain_sha256(rec: AuditRecord) -> str:
    """What an intruder without the key can compute: the plain hash of the record's content."""
    payload = {
        "seq": rec.seq,
        "timestamp": utc_iso(rec.timestamp),
        "actor_id": rec.actor_id,
        "actor_label": rec.actor_label,
        "action": rec.action,
        "model": rec.model,
        "object_pk": rec.object_pk,
        "object_repr": rec.object_repr,
        "before": rec.before,
        "after": rec.after,
        "reason": rec.reason,
        "prev_hash": rec.prev_hash,
        "key_id": rec.key_id,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def rewrite_from(
    seq: int,
    reason: str,
    rehash: Any = plain_sha256,
    key_id: str | None = None,
    until: int | None = None,
) -> None:
    """Attack 1: edit record `seq`, recompute its hash and every later hash and link (up to
    `until`, default the last), move the head to the new last hash."""
    prev = AuditRecord.objects.get(seq=seq - 1).hash if seq > 1 else GENESIS_HASH
    rows = AuditRecord.objects.filter(seq__gte=seq).order_by("seq")
    if until is not None:
        rows = rows.filter(seq__lte=until)
    for rec in rows:
        if rec.seq == seq:
            rec.reason = reason
        if key_id is not None:
            rec.key_id = key_id
        rec.prev_hash = prev
        rec.hash = prev = rehash(rec)
        raw_sql(
            f"UPDATE {TABLE} SET reason = %s, prev_hash = %s, hash = %s, key_id = %s "
            "WHERE seq = %s",
            [rec.reason, rec.prev_hash, rec.hash, rec.key_id, rec.seq],
        )
    last = AuditRecord.objects.order_by("-seq").first()
    raw_sql(f"UPDATE {HEAD_TABLE} SET last_seq = %s, last_hash = %s", [last.seq, last.hash])


def verify_audit_fails(match: str) -> str:
    with pytest.raises(CommandError, match=match) as failure:
        call_command("verify_audit")
    return str(failure.value)


# --- The key ------------------------------------------------------------------------------------


def test_records_are_signed_with_the_key_outside_the_database(outside: Path, make_records):
    [rec] = make_records(1)

    assert rec.key_id == key_id_of(KEY.encode())
    assert KEY not in json.dumps(list(AuditRecord.objects.values()), default=str)
    assert rec.hash == compute_hash(rec) != plain_sha256(rec)


def test_a_missing_key_file_is_created_readable_by_its_owner_only(settings, tmp_path: Path):
    settings.AUDIT_KEY = ""
    settings.AUDIT_KEY_FILE = str(tmp_path / "var" / "audit_key")
    old = os.umask(0o022)
    try:
        ring = keyring()
    finally:
        os.umask(old)

    path = Path(settings.AUDIT_KEY_FILE)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert ring.current_id in ring.keys and keyring() == ring


def test_after_a_key_rotation_old_records_still_verify_and_new_ones_use_the_new_key(
    outside: Path, make_records
):
    old_records = make_records(2)
    new_key = "khoa-moi-sau-khi-xoay-vong-" + "y" * 40
    key_file = outside / "audit_key"
    key_file.write_text(key_file.read_text() + new_key + "\n")  # rotation: append, keep the old

    new_records = make_records(2)

    assert {r.key_id for r in old_records} == {key_id_of(KEY.encode())}
    assert {r.key_id for r in new_records} == {key_id_of(new_key.encode())}
    assert verify_chain().ok

    key_file.write_text(new_key + "\n")  # the old key removed: its records can no longer verify
    result = verify_chain()
    assert not result.ok and result.first_broken_seq == 1
    assert "không có trong các khoá" in result.reason


def test_in_production_without_a_key_file_every_server_derives_the_key_from_secret_key(
    settings, tmp_path: Path
):
    settings.PRODUCTION = True
    settings.AUDIT_KEY = ""
    settings.AUDIT_KEY_FILE = ""
    settings.VAR_DIR = tmp_path  # nothing may be created there: servers do not share var/
    settings.SECRET_KEY = "khoa-bi-mat-chung-cua-moi-may-chu-" + "s" * 30
    settings.SECRET_KEY_FALLBACKS = ["khoa-bi-mat-cu-truoc-khi-doi-" + "o" * 30]

    ring = keyring()

    assert len(ring.keys) == 2  # the old SECRET_KEY's key still verifies what it signed
    settings.SECRET_KEY_FALLBACKS = []
    assert keyring().current_id == ring.current_id
    assert not (tmp_path / "audit_key").exists()


# --- Records written before keyed MACs -------------------------------------------------------


def legacy_chain(n: int, movement: Movement) -> None:
    """Records as the previous version wrote them: plain SHA-256, no key id."""
    with transaction.atomic():
        made = [record(actor=None, action="update", obj=movement, after={"i": i}) for i in range(n)]
    prev = GENESIS_HASH
    for rec in made:
        rec.key_id, rec.prev_hash = "", prev
        rec.hash = prev = compute_hash(rec)  # no key id: the plain SHA-256 of the old version
        raw_sql(
            f"UPDATE {TABLE} SET key_id = '', prev_hash = %s, hash = %s WHERE seq = %s",
            [rec.prev_hash, rec.hash, rec.seq],
        )
    raw_sql(f"UPDATE {HEAD_TABLE} SET last_hash = %s", [prev])


def test_records_from_before_the_key_still_verify_and_are_covered_by_the_first_signed_one(
    outside: Path, movement: Movement, make_records
):
    legacy_chain(3, movement)
    make_records(2)

    result = verify_chain()
    assert result.ok, result.reason
    assert (result.count, result.legacy) == (5, 3)
    assert "3 bản ghi đầu tiên có từ trước" in _verify_audit_output()

    # Rewriting an old record and recomputing the old-style hashes after it is still found: the
    # first signed record links to the original last old hash and cannot be re-signed.
    rewrite_from(2, "Lý do giả", rehash=compute_hash, until=3)
    result = verify_chain()
    assert not result.ok and result.first_broken_seq == 4
    assert "bản ghi số 3 hoặc số 4" in result.reason


def test_an_unsigned_record_after_signed_ones_is_refused(outside: Path, make_records):
    make_records(4)
    rewrite_from(3, "Lý do giả", rehash=compute_hash, key_id="")  # "downgraded" to old style

    result = verify_chain()

    assert not result.ok and result.first_broken_seq == 3
    assert "không có chữ ký khoá nằm sau bản ghi đã ký" in result.reason


def _verify_audit_output() -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


# --- Anchors ----------------------------------------------------------------------------------


def test_each_audited_commit_appends_a_signed_head_to_the_anchor_file(outside: Path, committed):
    records = committed(3)

    log = anchors.read()
    assert [(a.count, a.head) for a in log.anchors] == [(r.seq, r.hash) for r in records]
    assert log.problems == []
    path = anchors.anchor_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    said = _verify_audit_output()
    assert "Chuỗi nhật ký toàn vẹn: 3 bản ghi." in said
    assert "Khớp mốc neo ngoài cơ sở dữ liệu đến số 3" in said


def test_anchor_audit_writes_the_current_head(outside: Path, make_records):
    records = make_records(2)  # no commit hooks run: no anchor yet

    assert anchors.read().anchors == []
    said = _run("anchor_audit")

    assert "đầu chuỗi nhật ký số 2" in said
    assert [(a.count, a.head) for a in anchors.read().anchors] == [(2, records[-1].hash)]


def test_an_anchor_never_names_a_rolled_back_record(
    outside: Path, movement: Movement, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        record(actor=None, action="update", obj=movement)
        with pytest.raises(ZeroDivisionError), transaction.atomic():
            record(actor=None, action="update", obj=movement)
            1 / 0  # noqa: B018

    assert [a.count for a in anchors.read().anchors] == []  # the last record was rolled back
    assert verify_chain().ok


def test_an_edited_anchor_line_is_reported(outside: Path, committed):
    committed(2)
    path = anchors.anchor_path()
    first, second = path.read_text().splitlines()
    path.write_text(first + "\n" + second.replace("head 2 ", "head 9 ", 1) + "\n")

    verify_audit_fails("tệp mốc neo ngoài cơ sở dữ liệu bị sửa: dòng 2")


def _run(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# --- The four attacks ---------------------------------------------------------------------------


@pytest.mark.parametrize("with_anchors", [True, False], ids=["anchored", "key-only"])
def test_attack_1_rewriting_a_record_and_recomputing_every_later_hash_and_the_head_is_detected(
    outside: Path, committed, settings, with_anchors: bool
):
    if not with_anchors:
        settings.AUDIT_ANCHOR_FILE = ""
    committed(6)

    rewrite_from(3, "Lý do đã bị đổi")

    result = verify_chain()
    assert not result.ok
    assert result.first_broken_seq == 3
    assert result.count == 2
    verify_audit_fails("Phát hiện sai lệch tại bản ghi số 3: nội dung bản ghi đã bị sửa")


def test_attack_1_with_a_key_of_the_intruders_own_is_detected(outside: Path, committed):
    committed(5)
    theirs = b"khoa-cua-ke-gian-" + b"z" * 40
    import hmac

    def sign_with_their_key(rec: AuditRecord) -> str:
        rec.key_id = key_id_of(theirs)
        return hmac.new(theirs, plain_sha256(rec).encode(), hashlib.sha256).hexdigest()

    rewrite_from(2, "Lý do giả", rehash=sign_with_their_key, key_id=key_id_of(theirs))

    result = verify_chain()
    assert not result.ok and result.first_broken_seq == 2
    assert "không có trong các khoá nhật ký của máy này" in result.reason


def test_attack_1_turning_the_whole_chain_into_old_style_hashes_is_caught_by_the_anchors(
    outside: Path, committed
):
    committed(4)

    rewrite_from(1, "Lý do giả", rehash=compute_hash, key_id="")  # a plausible "legacy" chain

    result = verify_chain()
    assert not result.ok and result.first_broken_seq == 1
    assert "khác mốc neo" in result.reason


def test_attack_2_deleting_the_last_records_and_rolling_the_head_back_is_detected(
    outside: Path, committed
):
    records = committed(6)

    raw_sql(f"DELETE FROM {TABLE} WHERE seq >= 5")
    raw_sql(f"UPDATE {HEAD_TABLE} SET last_seq = 4, last_hash = %s", [records[3].hash])

    result = verify_chain()
    assert not result.ok
    assert result.first_broken_seq == 5
    assert result.count == 4
    assert "đầu chuỗi bị lùi lại" in result.reason
    said = verify_audit_fails("Phát hiện sai lệch tại bản ghi số 5: các bản ghi cuối chuỗi")
    assert "ghi đến số 6" in said and "chỉ còn đến số 4" in said


def test_attack_3_deleting_every_audit_record_is_detected(outside: Path, committed):
    committed(3)

    raw_sql(f"DELETE FROM {TABLE}")
    raw_sql(f"DELETE FROM {HEAD_TABLE}")

    result = verify_chain()
    assert not result.ok
    assert result.first_broken_seq == 1
    verify_audit_fails("Phát hiện sai lệch tại bản ghi số 1: toàn bộ nhật ký đã bị xoá")
