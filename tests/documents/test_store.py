"""Rendered documents are kept by a fingerprint of everything they show: a second download of the
same document is read from the store, not rendered again; a change to anything it shows (a unit's
name, a score) or to the code that lays it out makes a new one."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from thidua.documents import generate, store

pytestmark = pytest.mark.django_db

REPORT_PDF = ("cycle_document", [2021, 3, "report", "pdf"])


@pytest.fixture
def renders(monkeypatch, settings, tmp_path) -> list[tuple[str, str]]:
    """Every real rendering, in order (the store's hits are not in it), on an empty store."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    made: list[tuple[str, str]] = []
    real = generate.render_now

    def counting(ctx, kind, ext):
        made.append((kind, ext))
        return real(ctx, kind, ext)

    monkeypatch.setattr(generate, "render_now", counting)
    return made


def download(world, user=None) -> bytes:
    client = world.cast.client(user or world.cast.approver)
    response = client.get(reverse(REPORT_PDF[0], args=REPORT_PDF[1]))
    assert response.status_code == 200
    return response.content


def kept_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT) / store.FOLDER
    return {p.name for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def test_a_second_download_is_read_from_the_store_byte_for_byte(world, renders):
    first = download(world)
    second = download(world, world.cast.officer_a)  # another reader of the same year
    assert first[:5] == b"%PDF-" and second == first
    assert renders == [("report", "pdf")]
    ctx = generate.build_context(world.cycle2021)
    name = store.name_for(store.fingerprint(ctx, "report", "pdf"), "pdf")
    assert (Path(settings.MEDIA_ROOT) / name).read_bytes() == first
    assert not any(name.endswith(".tmp") for name in kept_files())


def test_a_change_to_what_the_document_shows_renders_it_again(world, renders):
    first = download(world)
    unit = world.unit("bac-giang")
    unit.name = "Công an tỉnh Bắc Giang (đổi tên kiểm thử)"
    unit.save(update_fields=["name"])
    second = download(world)
    assert renders == [("report", "pdf"), ("report", "pdf")] and second != first
    entry = world.cycle2021.rankings.latest("computed_at").entries.order_by("position").first()
    entry.note = "Ghi chú mới"
    entry.save(update_fields=["note"])
    ctx_before = generate.build_context(world.cycle2021)
    entry.total = entry.total + 1
    entry.save(update_fields=["total"])
    ctx_after = generate.build_context(world.cycle2021)
    assert store.fingerprint(ctx_before, "report", "pdf") != store.fingerprint(
        ctx_after, "report", "pdf"
    )


def test_each_kind_and_format_and_the_layout_code_have_their_own_fingerprint(world, monkeypatch):
    ctx = generate.build_context(world.cycle2021)
    prints = {store.fingerprint(ctx, kind, ext) for kind, ext in generate_files()}
    assert len(prints) == 8
    before = store.fingerprint(ctx, "report", "pdf")
    assert store.fingerprint(generate.build_context(world.cycle2021), "report", "pdf") == before
    monkeypatch.setattr(store, "code_version", lambda: "a new template")
    assert store.fingerprint(ctx, "report", "pdf") != before


def test_documents_nobody_read_for_the_retention_period_are_pruned_nightly(world, renders):
    import os
    import time

    from thidua.documents.tasks import prune_rendered_documents

    download(world)
    (kept,) = (Path(settings.MEDIA_ROOT) / store.FOLDER).rglob("*.pdf")
    month_ago = time.time() - 31 * 86400
    os.utime(kept, (month_ago, month_ago))
    download(world)  # read again: still wanted
    assert renders == [("report", "pdf")]
    assert prune_rendered_documents.call_local(30) == 0 and kept.exists()
    os.utime(kept, (month_ago, month_ago))
    assert prune_rendered_documents.call_local(30) == 1 and not kept.exists()
    download(world)  # made again on the next download
    assert renders == [("report", "pdf"), ("report", "pdf")] and kept.exists()


def generate_files():
    return [(k.code, ext) for k in generate.KINDS.values() for ext in k.formats]
