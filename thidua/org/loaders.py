"""Load the reference data (units through the 2025 merger) and the real clusters into the database.

Loading is a sync, not an append: running it twice changes nothing the second time, and only what
differs is written (and audited), so `make run` can load on every start.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from thidua.audit.log import record as audit
from thidua.audit.log import snapshot
from thidua.engine import text
from thidua.org.models import Cluster, Handover, Membership, Movement, Unit, UnitAlias, resolve_unit

DATA_DIR = Path(__file__).resolve().parent / "data"
UNITS_FILE = DATA_DIR / "units.json"
CLUSTERS_FILE = DATA_DIR / "clusters.json"
BLOCKS_FILE = DATA_DIR / "blocks.json"

MOVEMENT_CODE = "vi-an-ninh-to-quoc"
MOVEMENT_NAME = "Phong trào thi đua “Vì an ninh Tổ quốc”"


@dataclass
class LoadStats:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.created} mới, {self.updated} cập nhật, {self.unchanged} không đổi"


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _sync(model, lookup: dict, values: dict, stats: LoadStats):
    """Create or update one row, writing (and auditing) only when something differs."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        audit(actor=None, action="import", obj=obj, after=snapshot(obj))
        stats.created += 1
        return obj
    before = snapshot(obj)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save()
    after = snapshot(obj)
    if after != before:
        audit(actor=None, action="import", obj=obj, before=before, after=after)
        stats.updated += 1
    else:
        stats.unchanged += 1
    return obj


def _alias_kind(alias) -> tuple[str, str]:
    if isinstance(alias, dict):
        return alias["name"], alias.get("kind", UnitAlias.Kind.MISSPELLING)
    return alias, UnitAlias.Kind.MISSPELLING


@transaction.atomic
def load_units(path: Path = UNITS_FILE) -> LoadStats:
    data = json.loads(path.read_text(encoding="utf-8"))
    stats = LoadStats()
    rows = data["units"]
    by_code: dict[str, Unit] = {}
    # First pass without references, so parents and successors can come in any order.
    for row in rows:
        by_code[row["code"]] = _sync(
            Unit,
            {"code": row["code"]},
            {
                "name": text.normalize(row["name"]),
                "short_name": text.normalize(row["short_name"]),
                "kind": row["kind"],
                "level": row["level"],
                "gso_code": row.get("gso_code") or "",
                "valid_from": _date(row.get("valid_from")),
                "valid_to": _date(row.get("valid_to")),
                "source": (row.get("source") or "")[:300],
            },
            stats,
        )
    for row in rows:
        unit = by_code[row["code"]]
        parent = by_code.get(row.get("parent") or "")
        successor = by_code.get(row.get("successor") or "")
        if row.get("successor") and successor is None:
            raise ValueError(
                f"{path.name}: đơn vị {row['code']} trỏ tới đơn vị kế thừa không có: {row['successor']}"
            )
        if unit.parent_id != (parent.pk if parent else None) or unit.successor_id != (
            successor.pk if successor else None
        ):
            before = snapshot(unit, ["parent", "successor"])
            unit.parent, unit.successor = parent, successor
            unit.save(update_fields=["parent", "successor"])
            audit(
                actor=None,
                action="import",
                obj=unit,
                before=before,
                after=snapshot(unit, ["parent", "successor"]),
            )
        for alias in row.get("aliases", []):
            name, kind = _alias_kind(alias)
            _sync(
                UnitAlias, {"unit": unit, "name": text.normalize(name)}, {"kind": kind}, LoadStats()
            )
    return stats


def movement() -> Movement:
    obj, _ = Movement.objects.get_or_create(code=MOVEMENT_CODE, defaults={"name": MOVEMENT_NAME})
    return obj


@transaction.atomic
def load_clusters(path: Path = CLUSTERS_FILE) -> LoadStats:
    """The real clusters reported in the press, with members, leaders and published outcomes."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return _load_groups(data["clusters"], kind=Cluster.Kind.CLUSTER, number_key="cluster")


@transaction.atomic
def load_blocks(path: Path = BLOCKS_FILE) -> LoadStats:
    """The Ministry units' blocks (Khối thi đua) whose composition was published, with sources.

    A block may carry the same number as a provinces' cluster of the same year: they are told
    apart by `kind`. Loading twice changes nothing.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    rows = []
    for row in data["blocks"]:
        source = " — ".join(part for part in (row.get("source"), row.get("url")) if part)
        notes = " ".join(
            part for part in (row.get("notes"), f"Nguồn: {source}." if source else "") if part
        )
        rows.append({**row, "notes": notes})
    return _load_groups(rows, kind=Cluster.Kind.BLOCK, number_key="block")


def _load_groups(rows: list[dict], *, kind: str, number_key: str) -> LoadStats:
    """Sync clusters or blocks (one `kind`), their members, leaders and handovers."""
    stats = LoadStats()
    mov = movement()
    for row in rows:
        year = row["year"]
        published = {
            key: row[key]
            for key in (
                "ranking_published",
                "honoured_leader",
                "proposals",
                "commendations_in_year",
                "figures",
            )
            if row.get(key)
        }
        if published:
            published["source"] = (
                row.get("source") or "Báo chí đưa tin (xem thidua/org/data/clusters.json)"
            )
        host = resolve_unit(row["host"], year) if row.get("host") else None
        cluster = _sync(
            Cluster,
            {"movement": mov, "year": year, "kind": kind, "number": row[number_key]},
            {
                "host": host,
                "conference_date": _date(row.get("conference")),
                "published": published,
                "notes": row.get("notes", ""),
            },
            stats,
        )
        names = list(row.get("members") or [])
        if row.get("leader") and row["leader"] not in names:
            names.append(row["leader"])
        leader = resolve_unit(row["leader"], year) if row.get("leader") else None
        for name in names:
            unit = resolve_unit(name, year)
            role = Membership.Role.LEADER if unit == leader else Membership.Role.MEMBER
            existing = Membership.objects.filter(cluster=cluster, unit=unit).first()
            if existing is None:
                membership = Membership(cluster=cluster, unit=unit, role=role)
                membership.full_clean()
                membership.save()
                audit(actor=None, action="import", obj=membership, after=snapshot(membership))
                stats.created += 1
            elif existing.role != role and existing.role != Membership.Role.DEPUTY:
                cluster.set_role(unit, role)
                stats.updated += 1
            else:
                stats.unchanged += 1
        if row.get("next_leader"):
            next_leader = resolve_unit(row["next_leader"], year + 1)
            next_deputy = (
                resolve_unit(row["next_deputy"], year + 1) if row.get("next_deputy") else None
            )
            handover = Handover.objects.filter(cluster=cluster).first()
            if handover is None or (handover.next_leader_id, handover.next_deputy_id) != (
                next_leader.pk,
                next_deputy.pk if next_deputy else None,
            ):
                handover = Handover(
                    pk=handover.pk if handover else None,
                    cluster=cluster,
                    next_leader=next_leader,
                    next_deputy=next_deputy,
                    reason="Theo kết quả hội nghị tổng kết đã công bố.",
                )
                handover.full_clean()
                handover.save()
                audit(actor=None, action="import", obj=handover, after=snapshot(handover))
                stats.created += 1
            else:
                stats.unchanged += 1
    return stats
