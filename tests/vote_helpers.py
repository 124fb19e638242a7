"""Running an honouring vote in tests as the two trustees would (passphrases typed, never stored)."""

from __future__ import annotations

from thidua.cycle.models import HonourVote

SECRETARIAT_PASSPHRASE = "Thường trực Cụm giữ khóa thứ nhất"
MINISTRY_PASSPHRASE = "Đại diện Bộ giữ khóa thứ hai"


def ministry_trustee(approver=None):
    from thidua.org.models import Unit, User

    if approver is not None:
        return approver
    existing = User.objects.filter(role=User.Role.MINISTRY_APPROVER).first()
    if existing is not None:
        return existing
    return User.objects.create_user(
        username="bo.quansat",
        password="ThiDua@2025",
        role=User.Role.MINISTRY_APPROVER,
        unit=Unit.objects.filter(code="x03").first(),
    )


def open_vote(cycle, *, by, candidate, approver=None) -> HonourVote:
    """The secretariat opens the vote and the Ministry's approver sets the second key: ballots open."""
    vote = HonourVote.open_vote(
        cycle, by=by, candidate=candidate, passphrase=SECRETARIAT_PASSPHRASE
    )
    vote.set_ministry_key(by=ministry_trustee(approver), passphrase=MINISTRY_PASSPHRASE)
    vote.refresh_from_db()
    return vote


def close_vote(vote: HonourVote, *, by, approver=None) -> HonourVote:
    """The secretariat ends the ballot; with the quorum met the Ministry's approver tallies."""
    vote.close(by=by, passphrase=SECRETARIAT_PASSPHRASE)
    vote.refresh_from_db()
    if vote.state == HonourVote.State.TALLYING:
        vote.tally(by=ministry_trustee(approver), passphrase=MINISTRY_PASSPHRASE)
        vote.refresh_from_db()
    return vote
