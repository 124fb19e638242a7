"""`manage.py backup` / `manage.py restore`: a round trip keeps every row, every file and the audit chain.

Transactional: the database is really emptied (flush) and rebuilt; afterwards pytest-django flushes
it and the next test that needs the demo reloads it (tests/conftest.ensure_reference_data).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import tarfile
from pathlib import Path

import pytest
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import override_settings

from tests.files import tiny_pdf
from thidua.audit.backup import DATA, MANIFEST, data_models
from thidua.audit.log import chain_head, compute_hash, verify_chain
from thidua.audit.models import AuditRecord

pytestmark = pytest.mark.django_db(transaction=True)

PDF = tiny_pdf("minh chứng kiểm thử") + bytes(range(256)) * 8


def everything() -> dict[str, list[dict]]:
    """Every row of every backed-up model, foreign keys by natural key where the target has one."""
    rows = {}
    for model in data_models():
        objects = model._base_manager.order_by("pk")
        rows[model._meta.label_lower] = serializers.serialize(
            "python", objects, use_natural_foreign_keys=True
        )
    return rows


def media_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def evidence(world, tmp_path):
    """An uploaded file (through the model step, so it is audited) in a fresh MEDIA_ROOT."""
    from thidua.cycle.scoring import criterion_names
    from thidua.org.models import User

    media = tmp_path / "media"
    with override_settings(MEDIA_ROOT=str(media)):
        sheet = world.cycle2025.result_sheets.get(unit__code="lao-cai-2025")
        officer = User.objects.get(username="canbo.laocai")
        criterion = next(iter(criterion_names(world.cycle2025.method)))
        sheet.add_evidence(
            by=officer,
            criterion=criterion,
            upload=SimpleUploadedFile("Biên bản.pdf", PDF, content_type="application/pdf"),
        )
        yield media


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def empty_database() -> None:
    # What a fresh `migrate` leaves: no data, content types and permissions recreated.
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditRecord.objects.exists()


def test_a_backup_restored_into_an_empty_database_gives_back_every_row_file_and_the_audit_chain(
    evidence: Path, tmp_path: Path
) -> None:
    archive = tmp_path / "sao-luu.tar.gz"
    with override_settings(MEDIA_ROOT=str(evidence)):
        before_rows, before_files, head = everything(), media_files(evidence), chain_head()
        assert before_files and head[0] > 0
        assert sum(len(r) for r in before_rows.values()) > 500  # the demo years, not a toy

        said = run("backup", "--out", str(archive))
        assert "Đã sao lưu vào" in said

    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile(MANIFEST))
        names = set(tar.getnames())
    assert manifest["audit_head"] == {"last_seq": head[0], "last_hash": head[1]}
    assert manifest["counts"] == {k: len(v) for k, v in before_rows.items() if v}
    assert names == {MANIFEST, DATA} | {f"media/{n}" for n in before_files}

    empty_database()
    restored_media = tmp_path / "media-moi"
    with override_settings(MEDIA_ROOT=str(restored_media)):
        said = run("restore", str(archive))

    assert "khớp bản sao lưu" in said
    after_rows = everything()
    for label, rows in before_rows.items():
        assert after_rows[label] == rows, f"{label} differs after restore"
    assert media_files(restored_media) == before_files
    assert chain_head() == head
    result = verify_chain()
    assert result.ok and result.last_hash == head[1]

    if connection.vendor == "postgresql":
        # Sequences were reset by loaddata: the next audited change appends without a clash.
        from thidua.org.models import Movement

        Movement.objects.create(code="sau-khoi-phuc", name="Sau khôi phục")


def test_restore_refuses_a_database_that_is_not_empty(world, tmp_path: Path) -> None:
    archive = tmp_path / "sao-luu.tar.gz"
    with override_settings(MEDIA_ROOT=str(tmp_path / "media")):
        run("backup", "--out", str(archive))
        rows = sum(m._base_manager.count() for m in data_models())
        with pytest.raises(CommandError, match="Cơ sở dữ liệu không trống"):
            run("restore", str(archive))
    assert sum(m._base_manager.count() for m in data_models()) == rows


def _rewrite(archive: Path, out: Path, change) -> None:
    """Copy the archive member by member, letting `change(name, bytes)` alter the content."""
    with tarfile.open(archive) as src, tarfile.open(out, "w:gz") as dst:
        for member in src:
            body = change(member.name, src.extractfile(member).read())
            member.size = len(body)
            dst.addfile(member, io.BytesIO(body))


def test_a_tampered_archive_is_refused_and_nothing_is_restored(
    world, evidence: Path, tmp_path: Path
) -> None:
    archive = tmp_path / "sao-luu.tar.gz"
    with override_settings(MEDIA_ROOT=str(evidence)):
        run("backup", "--out", str(archive))

    # One audit row's reason edited in the dump: the member's SHA-256 no longer matches.
    edited = tmp_path / "sua-du-lieu.tar.gz"

    def edit_data(name: str, body: bytes) -> bytes:
        if name != DATA:
            return body
        rows = json.loads(body)
        audit = next(r for r in rows if r["model"] == "audit.auditrecord")
        audit["fields"]["reason"] = "đã bị sửa"
        return json.dumps(rows, ensure_ascii=False).encode()

    _rewrite(archive, edited, edit_data)

    # The same edit with the manifest's checksum updated too: its signature no longer matches.
    forged = tmp_path / "gia-mao.tar.gz"
    new_data = edit_data(DATA, _member(archive, DATA))

    def forge(name: str, body: bytes) -> bytes:
        if name == DATA:
            return new_data
        if name == MANIFEST:
            manifest = json.loads(body)
            manifest["members"][DATA] = hashlib.sha256(new_data).hexdigest()
            return json.dumps(manifest).encode()
        return body

    _rewrite(archive, forged, forge)

    # An evidence file swapped.
    swapped = tmp_path / "doi-tep.tar.gz"
    _rewrite(
        archive, swapped, lambda name, body: body + b"x" if name.startswith("media/") else body
    )

    empty_database()
    target = tmp_path / "media-moi"
    with override_settings(MEDIA_ROOT=str(target)):
        with pytest.raises(CommandError, match=r"db\.json.*đã bị thay đổi"):
            run("restore", str(edited))
        with pytest.raises(CommandError, match="Chữ ký của bản kê không khớp"):
            run("restore", str(forged))
        with pytest.raises(CommandError, match=r"media/.*đã bị thay đổi"):
            run("restore", str(swapped))
        # Nothing half-restored: the database is still empty and no file was written.
        assert not any(m._base_manager.exists() for m in data_models())
        assert not target.exists() or not media_files(target)
        # The genuine archive still restores.
        assert "khớp bản sao lưu" in run("restore", str(archive))


def _member(archive: Path, name: str) -> bytes:
    with tarfile.open(archive) as tar:
        return tar.extractfile(name).read()


# --- Issue 13: what an archive holds, who can read it, and forged archives --------------------

KEY = "khoa-nhat-ky-kiem-thu-sao-luu-" + "k" * 40


@pytest.fixture
def outside(settings, tmp_path: Path) -> Path:
    """The audit key and the anchor file of this machine, outside the database."""
    key_file = tmp_path / "audit_key"
    key_file.write_text(KEY + "\n", encoding="utf-8")
    settings.AUDIT_KEY = ""
    settings.AUDIT_KEY_FILE = str(key_file)
    settings.AUDIT_ANCHOR_FILE = str(tmp_path / "audit-anchors.log")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path


def test_a_backup_archive_is_readable_by_its_owner_only(world, tmp_path: Path) -> None:
    archive = tmp_path / "sao-luu.tar.gz"
    archive.write_bytes(b"")  # an older file of the same name, world-readable
    archive.chmod(0o644)
    old = os.umask(0o022)
    try:
        with override_settings(MEDIA_ROOT=str(tmp_path / "media")):
            run("backup", "--out", str(archive))
    finally:
        os.umask(old)

    assert stat.S_IMODE(archive.stat().st_mode) == 0o600


def test_sessions_and_login_attempts_are_never_backed_up_nor_restored(
    world, tmp_path: Path
) -> None:
    from axes.models import AccessAttempt
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    approver = SessionStore()
    approver["_auth_user_id"] = "1"
    approver.create()
    AccessAttempt.objects.create(
        username="lanhdao.bo", ip_address="10.0.0.9", failures_since_start=2, user_agent="x"
    )
    archive = tmp_path / "sao-luu.tar.gz"
    with override_settings(MEDIA_ROOT=str(tmp_path / "media")):
        run("backup", "--out", str(archive))

    dump = json.loads(_member(archive, DATA))
    manifest = json.loads(_member(archive, MANIFEST))
    assert not [r for r in dump if r["model"].startswith(("sessions.", "axes."))]
    assert not [m for m in manifest["counts"] if m.startswith(("sessions.", "axes."))]
    assert approver.session_key not in _member(archive, DATA).decode()

    # An archive from the previous version held sessions: restoring it brings none back.
    old = tmp_path / "ban-cu.tar.gz"
    session_row = {
        "model": "sessions.session",
        "pk": approver.session_key,
        "fields": {
            "session_data": Session.objects.get(pk=approver.session_key).session_data,
            "expire_date": "2099-01-01T00:00:00Z",
        },
    }
    old_data = json.dumps([*dump, session_row], ensure_ascii=False).encode()

    def previous_version(name: str, body: bytes) -> bytes:
        if name == DATA:
            return old_data
        if name == MANIFEST:
            old_manifest = json.loads(body)
            old_manifest.pop("signature")
            old_manifest["format"] = "thidua-backup/1"
            old_manifest["counts"]["sessions.session"] = 1
            old_manifest["members"][DATA] = hashlib.sha256(old_data).hexdigest()
            return json.dumps(old_manifest).encode()
        return body

    _rewrite(archive, old, previous_version)
    empty_database()
    with override_settings(MEDIA_ROOT=str(tmp_path / "media-moi")):
        with pytest.raises(CommandError, match=r"không có chữ ký.*--allow-unsigned"):
            run("restore", str(old))
        call_command("restore", str(old), allow_unsigned=True, stdout=io.StringIO())

    assert not Session.objects.exists()
    assert not AccessAttempt.objects.exists()
    assert AuditRecord.objects.exists()


def _audited_history(n: int) -> list[AuditRecord]:
    """A fresh database with `n` audited changes, each committed (and so anchored) on its own."""
    from thidua.audit.log import record
    from thidua.org.models import Movement

    empty_database()
    movement = Movement.objects.create(code="kiem-thu-sao-luu", name="Phong trào kiểm thử")
    made = []
    for i in range(n):
        with transaction.atomic():
            made.append(record(actor=None, action="update", obj=movement, after={"i": i}))
    return made


def _sql(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def _rewrite_record_and_everything_after(seq: int) -> None:
    """Attack 1, by someone without the key: edit a record, recompute every later hash (plain
    SHA-256, all they can compute) and the head."""
    prev = AuditRecord.objects.get(seq=seq - 1).hash
    for rec in AuditRecord.objects.filter(seq__gte=seq).order_by("seq"):
        rec.reason = "Lý do giả" if rec.seq == seq else rec.reason
        rec.prev_hash = prev
        rec.key_id = ""
        rec.hash = prev = compute_hash(rec)
        _sql(
            "UPDATE audit_auditrecord SET reason=%s, prev_hash=%s, hash=%s, key_id='' WHERE seq=%s",
            [rec.reason, rec.prev_hash, rec.hash, rec.seq],
        )
    _sql("UPDATE audit_auditchainhead SET last_hash=%s", [prev])


@pytest.mark.parametrize(
    ("attack", "refusal"),
    [
        ("1-rewrite", "tại bản ghi số 3: bản ghi không có chữ ký khoá"),
        ("2-truncate", "mâu thuẫn với mốc neo: tại bản ghi số 5: các bản ghi cuối chuỗi đã bị xoá"),
        ("3-erase", "mâu thuẫn với mốc neo: tại bản ghi số 1: toàn bộ nhật ký đã bị xoá"),
    ],
)
def test_restore_refuses_a_backup_of_a_tampered_audit_chain(
    outside: Path, attack: str, refusal: str
) -> None:
    made = _audited_history(6)
    if attack == "1-rewrite":
        _rewrite_record_and_everything_after(3)
    elif attack == "2-truncate":
        _sql("DELETE FROM audit_auditrecord WHERE seq >= 5")
        _sql("UPDATE audit_auditchainhead SET last_seq=4, last_hash=%s", [made[3].hash])
    else:
        _sql("DELETE FROM audit_auditrecord")
        _sql("DELETE FROM audit_auditchainhead")
    archive = outside / "sao-luu.tar.gz"
    run("backup", "--out", str(archive))  # the nightly backup copies what the database holds

    empty_database()
    with pytest.raises(CommandError, match=refusal):
        run("restore", str(archive))
    assert not any(m._base_manager.exists() for m in data_models())


def test_attack_4_a_backup_whose_data_was_changed_and_manifest_recomputed_is_refused(
    outside: Path,
) -> None:
    _audited_history(2)
    archive = outside / "sao-luu.tar.gz"
    run("backup", "--out", str(archive))
    # Data no audit record covers: the movement's name, and the checksum recomputed to match.
    rows = json.loads(_member(archive, DATA))
    next(r for r in rows if r["model"] == "org.movement")["fields"]["name"] = "Tên giả"
    new_data = json.dumps(rows, ensure_ascii=False).encode()

    def recompute(name: str, body: bytes, *, unsigned: bool = False) -> bytes:
        if name == DATA:
            return new_data
        if name == MANIFEST:
            manifest = json.loads(body)
            manifest["members"][DATA] = hashlib.sha256(new_data).hexdigest()
            if unsigned:  # passed off as an archive of the previous version
                manifest.pop("signature")
                manifest["format"] = "thidua-backup/1"
            return json.dumps(manifest).encode()
        return body

    forged, downgraded = outside / "gia-mao.tar.gz", outside / "ha-cap.tar.gz"
    _rewrite(archive, forged, recompute)
    _rewrite(archive, downgraded, lambda n, b: recompute(n, b, unsigned=True))

    empty_database()
    with pytest.raises(CommandError, match="Chữ ký của bản kê không khớp"):
        run("restore", str(forged))
    with pytest.raises(CommandError, match="không có chữ ký"):
        run("restore", str(downgraded))
    assert not any(m._base_manager.exists() for m in data_models())
    assert "khớp bản sao lưu" in run("restore", str(archive))


def test_an_archive_signed_with_a_key_this_machine_lacks_is_refused(outside, settings) -> None:
    _audited_history(1)
    archive = outside / "sao-luu.tar.gz"
    run("backup", "--out", str(archive))
    empty_database()
    settings.AUDIT_KEY = "mot-khoa-khac-tren-may-moi-" + "m" * 40

    with pytest.raises(CommandError, match="máy này không có khoá đó"):
        run("restore", str(archive))


def test_an_older_backup_restores_only_when_accepted_and_then_starts_a_new_anchor_epoch(
    outside: Path,
) -> None:
    _audited_history(2)
    archive = outside / "sao-luu-hom-qua.tar.gz"
    run("backup", "--out", str(archive))
    from thidua.audit.log import record
    from thidua.org.models import Movement

    with transaction.atomic():  # written after the backup, then lost with the database
        record(actor=None, action="update", obj=Movement.objects.get(code="kiem-thu-sao-luu"))

    empty_database()
    with pytest.raises(CommandError, match="--accept-older"):
        run("restore", str(archive))
    said = io.StringIO()
    call_command("restore", str(archive), accept_older=True, stdout=said)

    assert "khớp bản sao lưu" in said.getvalue()
    assert verify_chain().ok  # anchors before the restore line describe the replaced database
    assert (outside / "audit-anchors.log").read_text().splitlines()[-1].startswith("restore 2 ")
