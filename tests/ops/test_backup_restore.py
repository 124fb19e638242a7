"""`manage.py backup` / `manage.py restore`: a round trip keeps every row, every file and the audit chain.

Transactional: the database is really emptied (flush) and rebuilt; afterwards pytest-django flushes
it and the next test that needs the demo reloads it (tests/conftest.ensure_reference_data).
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from thidua.audit.backup import DATA, MANIFEST, data_models
from thidua.audit.log import chain_head, verify_chain
from thidua.audit.models import AuditRecord

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n% minh chung kiem thu\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"


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

    # The same edit with the manifest's checksum updated too: the audit chain catches it.
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
        with pytest.raises(CommandError, match="Chuỗi nhật ký sau khi khôi phục bị sai lệch"):
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
