"""Issue 13: the honouring ballot stays secret against whoever reads the database.

Ballots are encrypted to two trustees' joint key (the secretariat and the Ministry's approver) and
only their product is ever decrypted; nothing in the database orders or times a ballot; a vote
closed without its quorum is never counted; each unit's receipt is listed with the tally.
"""

from __future__ import annotations

import json
import uuid

import pytest
from django.apps import apps
from django.db import connection, models
from django.test import Client

from tests.cycle.conftest import open_year, units
from tests.vote_helpers import (
    MINISTRY_PASSPHRASE,
    SECRETARIAT_PASSPHRASE,
    close_vote,
    open_vote,
)
from thidua.audit.models import AuditRecord
from thidua.cycle.models import Ballot, Cycle, HonourVote, VoterRecord
from thidua.cycle.todo import tasks_for
from thidua.engine import ballot as crypto
from thidua.lib.workflow import WorkflowError

pytestmark = pytest.mark.django_db
VOTE_URL = "/cum-thi-dua/2021/3/thi-dua/suy-ton/"
ORDER = ("phu-tho", "bac-kan", "hoa-binh", "tuyen-quang", "thai-nguyen", "quang-ninh")


def _voting_year(y) -> Cycle:
    cycle = open_year(y)
    Cycle.objects.filter(pk=cycle.pk).update(stage=Cycle.Stage.VOTING)
    cycle.refresh_from_db()
    return cycle


def _rows(table: str, where: str, params: list) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE {where}", params)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _raw_snapshot(vote: HonourVote, after_seq: int) -> dict[str, list[dict]]:
    """What a database reader sees of the vote: every column of every row, in storage order."""
    return {
        "vote": _rows(HonourVote._meta.db_table, "id = %s", [vote.pk]),
        "voters": _rows(VoterRecord._meta.db_table, "vote_id = %s", [vote.pk]),
        "ballots": _rows(Ballot._meta.db_table, "vote_id = %s", [vote.pk]),
        "audit": _rows(AuditRecord._meta.db_table, "seq > %s ORDER BY seq", [after_seq]),
    }


def _element(text: str) -> str:
    value = int(text, 16)
    assert 0 < value < crypto.MODP_2048.p
    return "<élément du groupe>"


def _normalised(snapshot: dict[str, list[dict]]) -> dict:
    """The snapshot with what is random by construction replaced by its kind: uuid4 ids, fresh
    ciphertexts (each checked to be a group element), their hashes (receipts) and the audit's
    own chain fields (time, hash, sequence). Everything else is kept as stored."""
    out: dict = {"vote": snapshot["vote"]}
    out["voters"] = sorted(
        (
            {**r, "id": str(uuid.UUID(str(r["id"])).version), "vote_id": "<this vote>"}
            for r in snapshot["voters"]
        ),
        key=lambda r: r["unit_id"],
    )
    ballots = []
    for row in snapshot["ballots"]:
        cts = row["ciphertexts"]
        cts = json.loads(cts) if isinstance(cts, str) else cts
        ballots.append(
            {
                **row,
                "id": str(uuid.UUID(str(row["id"])).version),
                "vote_id": "<this vote>",
                "ciphertexts": [[_element(a), _element(b)] for a, b in cts],
                "receipt": len(row["receipt"]),
            }
        )
    out["ballots"] = ballots
    chain = {
        "seq",
        "timestamp",
        "hash",
        "prev_hash",
        "id",
        "object_pk",
        "key_id",
        "lane",
        "prev_seq",
    }
    out["audit"] = [
        {k: ("<chain>" if k in chain else v) for k, v in r.items()} for r in snapshot["audit"]
    ]
    return out


def _run(y, cycle, choices: dict[str, str]) -> tuple[list[dict], HonourVote, list]:
    HonourVote.objects.filter(cycle=cycle).delete()
    vote = open_vote(cycle, by=y["secretariat"], candidate=units("yen-bai")[0])
    start = AuditRecord.objects.order_by("-seq").values_list("seq", flat=True).first()
    before = _raw_snapshot(vote, start)
    snapshots, raws = [], [before]
    for code in ORDER:
        vote.cast(by=y["officers"][code], choice=choices[code])
        raw = _raw_snapshot(vote, start)
        # The vote's own row never changes while ballots come in: no counter, no last-ballot time.
        assert raw["vote"] == before["vote"]
        raws.append(raw)
        snapshots.append(_normalised(raw))
    return snapshots, vote, raws


def test_the_database_after_every_ballot_is_the_same_whatever_the_units_chose(year):
    """Two votes, same units in the same order, different choices: after every ballot a database
    reader sees the same rows except fresh random ciphertexts, random ids and receipts."""
    y = year
    cycle = _voting_year(y)
    first = dict(zip(ORDER, ["yes", "no", "yes", "abstain", "yes", "yes"], strict=True))
    second = dict(zip(ORDER, ["no", "yes", "abstain", "yes", "yes", "no"], strict=True))
    seen_first, vote, raws = _run(y, cycle, first)
    # Every ciphertext is fresh: no two stored components are equal, even for equal choices.
    stored = [row["ciphertexts"] for row in raws[-1]["ballots"]]
    stored = [json.loads(c) if isinstance(c, str) else c for c in stored]
    components = [part for ballot in stored for pair in ballot for part in pair]
    assert len(set(components)) == len(components) == len(ORDER) * 3 * 2
    # ... each one in the prime-order subgroup, where ElGamal hides its plaintext (DDH).
    group = crypto.MODP_2048
    assert all(pow(int(x, 16), group.q, group.p) == 1 for x in components)
    close_vote(vote, by=y["secretariat"])
    assert (vote.yes, vote.no, vote.abstain, vote.passed) == (4, 1, 1, False)

    seen_second, vote, _ = _run(y, cycle, second)
    for after_first, after_second in zip(seen_first, seen_second, strict=True):
        assert after_first["voters"] == after_second["voters"]
        assert after_first["ballots"] == after_second["ballots"]
        assert after_first["audit"] == after_second["audit"]
    close_vote(vote, by=y["secretariat"])
    assert (vote.yes, vote.no, vote.abstain, vote.passed) == (3, 2, 1, False)


def test_ballots_and_voter_rows_carry_no_time_no_sequence_and_no_link(year):
    y = year
    cycle = _voting_year(y)
    vote = open_vote(cycle, by=y["secretariat"], candidate=units("yen-bai")[0])
    for code in ORDER:
        vote.cast(by=y["officers"][code], choice="yes")
    for model in (Ballot, VoterRecord):
        fields = model._meta.concrete_fields
        assert not [f for f in fields if isinstance(f, models.DateField | models.AutoField)]
        assert isinstance(model._meta.pk, models.UUIDField)
        assert all(obj.pk.version == 4 for obj in model.objects.filter(vote=vote))
    assert {f.name for f in Ballot._meta.concrete_fields} == {
        "id",
        "vote",
        "ciphertexts",
        "receipt",
    }
    assert {f.name for f in VoterRecord._meta.concrete_fields} == {"id", "vote", "unit", "cast_by"}
    mine = [str(pk) for pk in VoterRecord.objects.filter(vote=vote).values_list("pk", flat=True)]
    casts = AuditRecord.objects.filter(action="vote", object_pk__in=mine)
    assert sorted(r.after["unit"] for r in casts) == sorted(ORDER)
    assert all(set(r.after) == {"unit"} for r in casts)


def test_the_trustees_passphrases_and_secret_shares_are_nowhere_in_the_database(year):
    y = year
    cycle = _voting_year(y)
    client = Client()
    client.force_login(y["secretariat"])
    client.post(
        VOTE_URL + "mo/",
        {
            "candidate": units("yen-bai")[0].pk,
            "passphrase": SECRETARIAT_PASSPHRASE,
            "confirm": SECRETARIAT_PASSPHRASE,
        },
    )
    client.force_login(y["approver"])
    client.post(
        VOTE_URL + "khoa-cua-bo/",
        {"passphrase": MINISTRY_PASSPHRASE, "confirm": MINISTRY_PASSPHRASE},
    )
    vote = HonourVote.objects.get(cycle=cycle)
    assert vote.is_open
    salt = bytes.fromhex(vote.key_salt)
    secrets_ = [
        crypto.derive_secret(SECRETARIAT_PASSPHRASE, salt + b"secretariat"),
        crypto.derive_secret(MINISTRY_PASSPHRASE, salt + b"ministry"),
    ]
    assert [crypto.public_share(x) for x in secrets_] == [
        int(vote.secretariat_share, 16),
        int(vote.ministry_share, 16),
    ]
    needles = [SECRETARIAT_PASSPHRASE, MINISTRY_PASSPHRASE]
    needles += [str(x) for x in secrets_] + [format(x, "x") for x in secrets_]
    for model in apps.get_models():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {model._meta.db_table}")
            text = repr(cursor.fetchall())
        assert not [n for n in needles if n in text], model._meta.db_table


def test_a_vote_closed_without_quorum_is_not_counted_and_publishes_no_counts(year):
    y = year
    cycle = _voting_year(y)
    vote = open_vote(cycle, by=y["secretariat"], candidate=units("yen-bai")[0])
    vote.cast(by=y["officers"]["phu-tho"], choice="no")
    # One ballot of eight (quorum 2/3 = 6): closing needs no passphrase and decrypts nothing.
    vote.close(by=y["secretariat"])
    vote.refresh_from_db()
    assert vote.is_closed and not vote.published and vote.passed is False
    assert (vote.yes, vote.no, vote.abstain) == (None, None, None)
    assert vote.aggregate == [] and vote.secretariat_partial == [] and vote.ministry_partial == []
    with pytest.raises(Exception, match="Chỉ kiểm phiếu được"):
        vote.tally(by=y["approver"], passphrase=MINISTRY_PASSPHRASE)
    client = Client()
    client.force_login(y["officers"]["bac-kan"])
    page = client.get(VOTE_URL).content.decode()
    assert "Không đủ số đơn vị tham gia: biểu quyết không hợp lệ, không công bố số phiếu." in page
    assert "(1/8, cần ít nhất 6)" in page and "chưa được suy tôn" in page
    assert "Đồng ý</span>" not in page and 'id="receipts"' not in page
    api = client.get("/api/v1/clusters/2021/3/vote").json()
    assert api["tally"]["yes"] is None and api["tally"]["quorum_met"] is False
    assert api["tally"]["receipts"] == []


def test_each_unit_gets_a_receipt_and_the_published_tally_lists_them_all(year):
    y = year
    cycle = _voting_year(y)
    vote = open_vote(cycle, by=y["secretariat"], candidate=units("yen-bai")[0])
    receipts = {}
    for code in ORDER:
        client = Client()
        client.force_login(y["officers"][code])
        response = client.post(VOTE_URL + "bieu-quyet/", {"choice": "yes"})
        assert response.status_code == 200
        body = response.content.decode()
        assert "Biên nhận phiếu của" in body
        receipt = body.split('<code class="receipt">')[1].split("</code>")[0]
        assert len(receipt) == 64
        receipts[code] = receipt
        # Shown once: the page read again does not show it (kept nowhere that names the unit).
        assert receipt not in client.get(VOTE_URL).content.decode()
    assert sorted(receipts.values()) == vote.receipts()
    close_vote(vote, by=y["secretariat"], approver=y["approver"])
    assert (vote.yes, vote.no, vote.abstain, vote.passed) == (6, 0, 0, True)
    client = Client()
    client.force_login(y["officers"]["bac-kan"])
    page = client.get(VOTE_URL).content.decode()
    listed = page.split('id="receipts"')[1]
    assert all(r in listed for r in receipts.values())
    api = client.get("/api/v1/clusters/2021/3/vote").json()
    assert api["tally"]["receipts"] == sorted(receipts.values())


def test_each_trustee_enters_their_own_passphrase_signed_in_as_themselves(year):
    y = year
    _voting_year(y)
    secretariat, ministry, officer = Client(), Client(), Client()
    secretariat.force_login(y["secretariat"])
    ministry.force_login(y["approver"])
    officer.force_login(y["officers"]["phu-tho"])
    short = secretariat.post(
        VOTE_URL + "mo/",
        {"candidate": units("yen-bai")[0].pk, "passphrase": "ngắn", "confirm": "ngắn"},
    )
    assert short.status_code == 422 and "ít nhất 12 ký tự" in short.content.decode()
    secretariat.post(
        VOTE_URL + "mo/",
        {
            "candidate": units("yen-bai")[0].pk,
            "passphrase": SECRETARIAT_PASSPHRASE,
            "confirm": SECRETARIAT_PASSPHRASE,
        },
    )
    vote = HonourVote.objects.get()
    assert vote.state == HonourVote.State.SETUP
    assert "Chờ đại diện Bộ đặt cụm mật khẩu" in officer.get(VOTE_URL).content.decode()
    assert officer.post(VOTE_URL + "bieu-quyet/", {"choice": "yes"}).status_code == 409
    todo = [t.text for t in tasks_for(y["approver"])]
    assert "Đặt cụm mật khẩu của Bộ để mở bỏ phiếu suy tôn" in todo
    # The secretariat cannot set the Ministry's key for it.
    forbidden = secretariat.post(
        VOTE_URL + "khoa-cua-bo/",
        {"passphrase": MINISTRY_PASSPHRASE, "confirm": MINISTRY_PASSPHRASE},
    )
    assert forbidden.status_code == 403
    page = ministry.get(VOTE_URL).content.decode()
    assert "Cụm mật khẩu của Bộ" in page
    ministry.post(
        VOTE_URL + "khoa-cua-bo/",
        {"passphrase": MINISTRY_PASSPHRASE, "confirm": MINISTRY_PASSPHRASE},
    )
    vote.refresh_from_db()
    assert vote.is_open and vote.ministry_trustee == y["approver"]
    for code in ORDER:
        vote.cast(by=y["officers"][code], choice="no" if code == "phu-tho" else "yes")
    wrong = secretariat.post(VOTE_URL + "ket-thuc/", {"passphrase": MINISTRY_PASSPHRASE})
    assert wrong.status_code == 422 and "Cụm mật khẩu không đúng." in wrong.content.decode()
    assert HonourVote.objects.get().is_open
    secretariat.post(VOTE_URL + "ket-thuc/", {"passphrase": SECRETARIAT_PASSPHRASE})
    vote.refresh_from_db()
    assert vote.state == HonourVote.State.TALLYING and vote.yes is None
    assert "Chờ đại diện Bộ kiểm phiếu" in officer.get(VOTE_URL).content.decode()
    assert "Kiểm phiếu suy tôn (nhập cụm mật khẩu của Bộ)" in [
        t.text for t in tasks_for(y["approver"])
    ]
    assert secretariat.post(VOTE_URL + "kiem-phieu/", {"passphrase": "x" * 20}).status_code == 403
    wrong = ministry.post(VOTE_URL + "kiem-phieu/", {"passphrase": SECRETARIAT_PASSPHRASE})
    assert wrong.status_code == 422 and "Cụm mật khẩu không đúng." in wrong.content.decode()
    ministry.post(VOTE_URL + "kiem-phieu/", {"passphrase": MINISTRY_PASSPHRASE})
    vote.refresh_from_db()
    assert (vote.yes, vote.no, vote.abstain, vote.passed) == (5, 1, 0, True)
    assert "được suy tôn dẫn đầu Cụm" in officer.get(VOTE_URL).content.decode()
    assert AuditRecord.objects.filter(action="tally_vote", actor=y["approver"]).exists()


def test_a_ballot_altered_in_the_database_after_closing_stops_the_tally(year):
    y = year
    cycle = _voting_year(y)
    vote = open_vote(cycle, by=y["secretariat"], candidate=units("yen-bai")[0])
    for code in ORDER:
        vote.cast(by=y["officers"][code], choice="yes")
    vote.close(by=y["secretariat"], passphrase=SECRETARIAT_PASSPHRASE)
    forged = Ballot.objects.filter(vote=vote).first()
    key = int(vote.public_key, 16)
    forged.ciphertexts = crypto.to_text(crypto.encrypt_ballot(key, 1, 3))
    forged.save()
    with pytest.raises(Exception, match="Kiểm phiếu không khớp"):
        vote.tally(by=y["approver"], passphrase=MINISTRY_PASSPHRASE)
    assert HonourVote.objects.get(pk=vote.pk).yes is None


def _backup_rows(tmp_path, name: str) -> dict[str, list[dict]]:
    import tarfile

    from thidua.audit.backup import DATA, create_backup

    out = tmp_path / f"{name}.tar.gz"
    create_backup(out)
    with tarfile.open(out) as tar:
        rows = json.load(tar.extractfile(DATA))
    wanted = ("cycle.honourvote", "cycle.ballot", "cycle.voterrecord")
    return {m: [r for r in rows if r["model"] == m] for m in wanted}


@pytest.mark.django_db(transaction=True)  # a backup opens its own snapshot transaction
def test_two_backups_taken_during_the_vote_hold_no_running_count(year, tmp_path):
    """manage.py backup between two ballots: the vote's row is the same in both archives, and
    what was added is a voter row and a ciphertext, never a count."""
    y = year
    cycle = _voting_year(y)
    HonourVote.objects.filter(cycle=cycle).delete()
    vote = open_vote(cycle, by=y["secretariat"], candidate=units("yen-bai")[0])
    vote.cast(by=y["officers"]["phu-tho"], choice="yes")
    first = _backup_rows(tmp_path, "first")
    vote.cast(by=y["officers"]["bac-kan"], choice="no")
    second = _backup_rows(tmp_path, "second")
    mine = [r for r in first["cycle.honourvote"] if r["pk"] == vote.pk]
    assert mine == [r for r in second["cycle.honourvote"] if r["pk"] == vote.pk]
    fields = mine[0]["fields"]
    assert (fields["yes"], fields["no"], fields["abstain"]) == (None, None, None)
    new = [r for r in second["cycle.ballot"] if r not in first["cycle.ballot"]]
    assert len(new) == 1 and set(new[0]["fields"]) == {"vote", "ciphertexts", "receipt"}


def test_an_unreadable_ballot_row_stops_the_close_with_a_message_not_a_crash(year):
    y = year
    cycle = _voting_year(y)
    vote = open_vote(cycle, by=y["secretariat"], candidate=units("yen-bai")[0])
    for code in ORDER:
        vote.cast(by=y["officers"][code], choice="yes")
    Ballot.objects.filter(pk=Ballot.objects.filter(vote=vote).first().pk).update(
        ciphertexts=[["zz", "1"], ["1", "1"], ["1", "1"]]
    )
    with pytest.raises(WorkflowError, match="Kiểm phiếu không khớp"):
        vote.close(by=y["secretariat"], passphrase=SECRETARIAT_PASSPHRASE)
    assert HonourVote.objects.get(pk=vote.pk).is_open
