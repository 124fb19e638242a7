"""Step 9: the honouring vote (suy tôn), a secret ballot that holds against the database.

Each ballot is stored encrypted (exponential ElGamal, thidua/engine/ballot.py) to a key split
between two trustees: the cluster secretariat and the Ministry's approver. Their secret shares are
derived from passphrases they type and are never stored; only their public shares are. The tally
is the decryption of the product of all ballots, which needs both trustees' passphrases at closing;
no single ballot is ever decrypted. Ballot rows have random ids, no time and no link to a voter;
voter rows (who voted, to stop a second ballot) have random ids and no time either. A vote closed
without its quorum is not counted at all. See the README's threat model.
"""

from __future__ import annotations

import math
import secrets
import uuid
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from thidua.audit.log import record as audit
from thidua.audit.log import snapshot
from thidua.cycle import workflow
from thidua.cycle.models.cycle import Cycle
from thidua.engine import ballot as crypto
from thidua.lib.workflow import WorkflowError
from thidua.org.models import Unit, User


def _secret(passphrase: str, salt: str, role: str) -> int:
    try:
        return crypto.derive_secret(passphrase, bytes.fromhex(salt) + role.encode("ascii"))
    except crypto.BallotError as exc:
        raise ValidationError({"passphrase": str(exc)}) from exc


def _hex(value: int) -> str:
    return format(value, "x")


class HonourVote(models.Model):
    """Who voted is recorded; how, only inside ciphertexts that no one alone can open."""

    class State(models.TextChoices):
        SETUP = "setup", "Chờ đại diện Bộ đặt cụm mật khẩu"
        OPEN = "open", "Đang bỏ phiếu"
        TALLYING = "tallying", "Chờ đại diện Bộ kiểm phiếu"
        CLOSED = "closed", "Đã kết thúc"

    class Choice(models.TextChoices):
        YES = "yes", "Đồng ý"
        NO = "no", "Không đồng ý"
        ABSTAIN = "abstain", "Không biểu quyết"

    # The position of each choice's ciphertext in a ballot.
    CHOICES = ("yes", "no", "abstain")

    cycle = models.OneToOneField(Cycle, on_delete=models.CASCADE, related_name="honour_vote")
    candidate = models.ForeignKey(
        Unit, verbose_name="đơn vị được đề nghị suy tôn", on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.SETUP)
    member_count = models.PositiveSmallIntegerField("số đơn vị thành viên")
    quorum = models.CharField(max_length=8)
    threshold = models.CharField(max_length=8)
    # The published counts: empty until both trustees have tallied a vote that met its quorum.
    yes = models.PositiveSmallIntegerField(null=True, blank=True)
    no = models.PositiveSmallIntegerField(null=True, blank=True)
    abstain = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True)
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Keys: the salt of both passphrase derivations, each trustee's public share g^x (hex), the
    # joint public key h = g^(x1+x2). The secret shares x1, x2 are never stored.
    key_salt = models.CharField(max_length=64, default="", editable=False)
    secretariat_share = models.TextField(default="", editable=False)
    ministry_share = models.TextField(default="", editable=False)
    ministry_trustee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    public_key = models.TextField(default="", editable=False)
    # The tally's evidence: the product of every ballot and each trustee's partial decryption of it.
    aggregate = models.JSONField(default=list, editable=False)
    secretariat_partial = models.JSONField(default=list, editable=False)
    ministry_partial = models.JSONField(default=list, editable=False)

    class Meta:
        verbose_name = "biểu quyết suy tôn"
        verbose_name_plural = "biểu quyết suy tôn"

    def __str__(self) -> str:
        return f"Suy tôn {self.candidate.short_name} — {self.cycle}"

    # -- reading ---------------------------------------------------------------------------------

    @property
    def present(self) -> int:
        """How many units voted (public: who voted is recorded, how is not)."""
        return len(self.voters.all())

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    @property
    def is_closed(self) -> bool:
        return self.state == self.State.CLOSED

    @property
    def published(self) -> bool:
        """Whether counts were published (closed, quorum met, tallied by both trustees)."""
        return self.is_closed and self.yes is not None

    def voter_rows(self) -> list[VoterRecord]:
        """Who has voted (never how, nor when), in the order of the units' names."""
        rows = list(self.voters.select_related("unit", "cast_by"))
        return sorted(rows, key=lambda r: r.unit.sort_key)

    def receipts(self) -> list[str]:
        """Every ballot's receipt, sorted (published with the tally)."""
        return sorted(self.ballots.values_list("receipt", flat=True))

    def has_voted(self, unit: Unit | None) -> bool:
        return unit is not None and self.voters.filter(unit=unit).exists()

    @property
    def need_present(self) -> int:
        return math.ceil(Fraction(self.quorum) * self.member_count)

    @property
    def need_yes(self) -> int:
        return math.floor(Fraction(self.threshold) * self.member_count) + 1

    def rules_text(self) -> str:
        """The quorum and threshold of this vote, as the cluster's rules state them."""
        return (
            f"Hợp lệ khi có ít nhất {self.quorum} số đơn vị thành viên biểu quyết "
            f"({self.need_present}/{self.member_count}); được suy tôn khi số đồng ý vượt "
            f"{self.threshold} tổng số thành viên (ít nhất {self.need_yes}/{self.member_count})."
        )

    @property
    def quorum_met(self) -> bool:
        return Fraction(self.present, self.member_count) >= Fraction(self.quorum)

    def honoured_only_awards(self) -> list[str]:
        """The awards the cluster's rules keep for the honoured unit alone (none if unreadable)."""
        from thidua.engine.awards import AwardRulesError, parse_award_rules

        method = self.cycle.method
        try:
            rules = parse_award_rules(method.award_rules) if method else None
        except AwardRulesError:
            return []
        return [a.name for a in rules.awards if a.candidates == "honoured"] if rules else []

    def closing_short_text(self) -> str:
        """Before closing without the quorum: that it is not met and what that does to the result."""
        awards = self.honoured_only_awards()
        lost = (
            f"; Cụm không có đơn vị được suy tôn nên không đề nghị được {', '.join(awards)} "
            "(quy chế của Cụm chỉ dành cho đơn vị được suy tôn)"
            if awards
            else ""
        )
        return (
            f"Chưa đủ số đơn vị tham gia biểu quyết: mới có {self.present}/{self.member_count} "
            f"đơn vị, cần ít nhất {self.need_present} ({self.quorum} số thành viên). Kết thúc "
            f"bây giờ thì biểu quyết không hợp lệ: phiếu không được kiểm, số phiếu không được "
            f"công bố, {self.candidate.name} không được suy tôn năm {self.cycle.cluster.year}"
            f"{lost}. Mỗi năm chỉ biểu quyết một lần, không mở lại được."
        )

    def outcome_text(self) -> str:
        if not self.quorum_met:
            return (
                f"Không đủ số đơn vị tham gia biểu quyết ({self.present}/{self.member_count}, "
                f"cần ít nhất {self.need_present}): biểu quyết không hợp lệ. Phiếu không được "
                f"kiểm và số phiếu không được công bố, để không lộ lựa chọn của các đơn vị đã "
                f"biểu quyết; {self.candidate.name} chưa được suy tôn."
            )
        if not self.published:
            return "Biểu quyết chưa kết thúc."
        verdict = "được suy tôn" if self.passed else "không được suy tôn"
        return (
            f"{self.present}/{self.member_count} đơn vị biểu quyết (cần ít nhất "
            f"{self.need_present}); {self.yes} đồng ý, {self.no} không đồng ý, {self.abstain} "
            f"không biểu quyết (cần ít nhất {self.need_yes} đồng ý): {self.candidate.name} "
            f"{verdict}."
        )

    # -- steps -----------------------------------------------------------------------------------

    @staticmethod
    def is_ministry_trustee(user: User) -> bool:
        return getattr(user, "role", None) == User.Role.MINISTRY_APPROVER

    @classmethod
    def require_ministry_trustee(cls, user: User) -> None:
        if not cls.is_ministry_trustee(user):
            raise PermissionDenied(
                "Chỉ cán bộ phê duyệt của Bộ (đại diện Bộ giám sát biểu quyết) giữ phần khóa này."
            )

    @classmethod
    @transaction.atomic
    def open_vote(cls, cycle: Cycle, *, by: User, candidate: Unit, passphrase: str) -> HonourVote:
        """The secretariat opens the vote and sets its passphrase; ballots wait for the Ministry's."""
        cycle.require_step(workflow.OPEN_VOTE, by)
        cycle.require_member(candidate)
        if cls.objects.filter(cycle=cycle).exists():  # told before typing a passphrase for nothing
            raise WorkflowError("Biểu quyết suy tôn đã được mở.")
        salt = secrets.token_hex(16)
        share = crypto.public_share(_secret(passphrase, salt, "secretariat"))
        # Two secretariat members pressing "open" at once: the year's row serialises them, so the
        # second is told the vote is open instead of failing on the one-vote-per-year constraint.
        Cycle.objects.select_for_update().filter(pk=cycle.pk).first()
        if cls.objects.filter(cycle=cycle).exists():
            raise WorkflowError("Biểu quyết suy tôn đã được mở.")
        method = cycle.method
        vote = cls.objects.create(
            cycle=cycle,
            candidate=candidate,
            member_count=len(cycle.member_ids()),
            quorum=method.vote_quorum,
            threshold=method.vote_threshold,
            opened_by=by,
            key_salt=salt,
            secretariat_share=_hex(share),
        )
        audit(
            actor=by,
            action="open_vote",
            obj=vote,
            after=snapshot(
                vote, ["candidate", "member_count", "quorum", "threshold", "secretariat_share"]
            ),
        )
        return vote

    @transaction.atomic
    def set_ministry_key(self, *, by: User, passphrase: str) -> None:
        """The Ministry's approver sets the second passphrase: the joint key exists, ballots open."""
        self.require_ministry_trustee(by)
        secret = _secret(passphrase, self.key_salt, "ministry")
        locked = HonourVote.objects.select_for_update().get(pk=self.pk)
        if locked.state != self.State.SETUP:
            raise WorkflowError("Đại diện Bộ đã đặt cụm mật khẩu cho biểu quyết này.")
        share = crypto.public_share(secret)
        key = crypto.joint_key([int(self.secretariat_share, 16), share])
        self.ministry_share, self.public_key = _hex(share), _hex(key)
        self.ministry_trustee, self.state = by, self.State.OPEN
        self.save(update_fields=["ministry_share", "public_key", "ministry_trustee", "state"])
        audit(
            actor=by,
            action="vote_key",
            obj=self,
            after=snapshot(self, ["state", "ministry_share", "public_key"]),
        )

    @transaction.atomic
    def cast(self, *, by: User, choice: str) -> str:
        """One ballot per member unit, cast by an officer of that unit; returns the receipt."""
        # The vote's row is locked for the ballot: a ballot never lands after the close, and two
        # officers of one unit voting at once cannot both pass the "not voted yet" check.
        state = (
            HonourVote.objects.select_for_update().values_list("state", flat=True).get(pk=self.pk)
        )
        if state == self.State.SETUP:
            raise WorkflowError("Biểu quyết chưa bắt đầu: đại diện Bộ chưa đặt cụm mật khẩu.")
        if state != self.State.OPEN:
            raise WorkflowError("Biểu quyết đã kết thúc.")
        unit = by.unit
        self.cycle.require_member(unit)
        if by.role == User.Role.VIEWER:
            raise PermissionDenied("Tài khoản chỉ xem không được biểu quyết.")
        if choice not in self.CHOICES:
            raise ValidationError({"choice": "Chọn Đồng ý, Không đồng ý hoặc Không biểu quyết."})
        if VoterRecord.objects.filter(vote=self, unit=unit).exists():
            raise WorkflowError(f"{unit.name} đã biểu quyết.")
        ciphertexts = crypto.encrypt_ballot(
            int(self.public_key, 16), self.CHOICES.index(choice), len(self.CHOICES)
        )
        receipt = crypto.receipt(ciphertexts)
        record = VoterRecord.objects.create(vote=self, unit=unit, cast_by=by)
        Ballot.objects.create(vote=self, ciphertexts=crypto.to_text(ciphertexts), receipt=receipt)
        # The audit says which unit voted, never the choice nor the ballot.
        audit(actor=by, action="vote", obj=record, after={"unit": unit.code})
        return receipt

    @transaction.atomic
    def close(self, *, by: User, passphrase: str = "") -> None:
        """The secretariat ends the ballot. Quorum not met: closed, nothing counted or published.
        Otherwise the secretariat's passphrase gives its partial decryption of the product of the
        ballots, and the Ministry's approver completes the tally (`tally`)."""
        workflow.CLOSE_VOTE.require_actor(by, self.cycle)
        locked = HonourVote.objects.select_for_update().get(pk=self.pk)
        if locked.state != self.State.OPEN:
            raise WorkflowError(
                "Biểu quyết chưa bắt đầu."
                if locked.state == self.State.SETUP
                else "Biểu quyết đã kết thúc."
            )
        self.refresh_from_db()
        if not self.quorum_met:
            self.passed, self.state = False, self.State.CLOSED
            self.closed_at, self.closed_by = timezone.now(), by
            self.save(update_fields=["passed", "state", "closed_at", "closed_by"])
            audit(
                actor=by,
                action="close_vote",
                obj=self,
                after={
                    "present": self.present,
                    "member_count": self.member_count,
                    "quorum_met": False,
                    "counted": False,
                },
            )
            return
        secret = self._check_share(passphrase, "secretariat", self.secretariat_share)
        total = crypto.aggregate(self._stored_ballots(), len(self.CHOICES))
        self.aggregate = crypto.to_text(total)
        self.secretariat_partial = [_hex(d) for d in crypto.partial_decryption(secret, total)]
        self.state, self.closed_at, self.closed_by = self.State.TALLYING, timezone.now(), by
        self.save(
            update_fields=["aggregate", "secretariat_partial", "state", "closed_at", "closed_by"]
        )
        audit(
            actor=by,
            action="close_vote",
            obj=self,
            after={
                "present": self.present,
                "member_count": self.member_count,
                "quorum_met": True,
                "aggregate": self.aggregate,
            },
        )

    @transaction.atomic
    def tally(self, *, by: User, passphrase: str) -> None:
        """The Ministry's approver completes the decryption of the product: counts are published."""
        self.require_ministry_trustee(by)
        locked = HonourVote.objects.select_for_update().get(pk=self.pk)
        if locked.state != self.State.TALLYING:
            raise WorkflowError("Chỉ kiểm phiếu được khi Thường trực Cụm đã kết thúc bỏ phiếu.")
        self.refresh_from_db()
        secret = self._check_share(passphrase, "ministry", self.ministry_share)
        ballots = self._stored_ballots()
        total = crypto.aggregate(ballots, len(self.CHOICES))
        if crypto.to_text(total) != self.aggregate or len(ballots) != self.present:
            raise WorkflowError("Kiểm phiếu không khớp: các phiếu đã bị thay đổi sau khi kết thúc.")
        mine = crypto.partial_decryption(secret, total)
        theirs = [int(d, 16) for d in self.secretariat_partial]
        try:
            counts = crypto.decrypt_counts(total, [theirs, mine], len(ballots))
        except crypto.BallotError as exc:
            raise WorkflowError(str(exc)) from exc
        if sum(counts) != len(ballots):
            raise WorkflowError(
                "Kiểm phiếu không khớp: tổng số phiếu khác số đơn vị đã biểu quyết."
            )
        self.yes, self.no, self.abstain = counts
        self.passed = Fraction(self.yes, self.member_count) > Fraction(self.threshold)
        self.ministry_partial = [_hex(d) for d in mine]
        self.state = self.State.CLOSED
        self.save(update_fields=["yes", "no", "abstain", "passed", "ministry_partial", "state"])
        audit(
            actor=by,
            action="tally_vote",
            obj=self,
            after=snapshot(self, ["yes", "no", "abstain", "member_count", "passed"]),
        )

    def _stored_ballots(self) -> list[crypto.Ballot]:
        try:
            ballots = [crypto.from_text(b.ciphertexts) for b in self.ballots.all()]
        except crypto.BallotError as exc:
            raise WorkflowError(f"Kiểm phiếu không khớp: {exc}") from exc
        if any(len(b) != len(self.CHOICES) for b in ballots):
            raise WorkflowError("Kiểm phiếu không khớp: có phiếu không đúng số lựa chọn.")
        return ballots

    def _check_share(self, passphrase: str, role: str, stored: str) -> int:
        secret = _secret(passphrase, self.key_salt, role)
        if _hex(crypto.public_share(secret)) != stored:
            raise ValidationError({"passphrase": "Cụm mật khẩu không đúng."})
        return secret


class VoterRecord(models.Model):
    """A unit has voted (stops a second ballot). Random id, no time: nothing orders it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(HonourVote, on_delete=models.CASCADE, related_name="voters")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "đơn vị đã biểu quyết"
        verbose_name_plural = "đơn vị đã biểu quyết"
        constraints = [models.UniqueConstraint(fields=["vote", "unit"], name="one_ballot_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit.short_name} đã biểu quyết"


class Ballot(models.Model):
    """One encrypted ballot: a ciphertext per choice, no voter, no time, a random id."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(HonourVote, on_delete=models.CASCADE, related_name="ballots")
    ciphertexts = models.JSONField(editable=False)
    receipt = models.CharField("mã biên nhận", max_length=64, unique=True, editable=False)

    class Meta:
        verbose_name = "phiếu biểu quyết (đã mã hóa)"
        verbose_name_plural = "phiếu biểu quyết (đã mã hóa)"
        ordering = ["receipt"]

    def __str__(self) -> str:
        return f"Phiếu {self.receipt[:12]}"
