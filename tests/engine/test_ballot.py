"""The ballot crypto (exponential ElGamal, two trustees): round trips, homomorphic sums, receipts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thidua.engine import ballot as b

# A small safe-prime group (p = 2q + 1, both prime; 4 = 2² generates the order-q subgroup) so that
# hypothesis can try many cases; the real 2048-bit group is checked on a few below.
SMALL = b.Group(p=2027, q=1013, g=4)


def _is_prime(n: int) -> bool:
    return n > 1 and all(n % d for d in range(2, int(n**0.5) + 1))


def test_the_small_test_group_is_a_safe_prime_group():
    assert _is_prime(SMALL.p) and _is_prime(SMALL.q) and SMALL.p == 2 * SMALL.q + 1
    assert pow(SMALL.g, SMALL.q, SMALL.p) == 1 and SMALL.g != 1


def test_the_real_group_generator_has_prime_order_q():
    g = b.MODP_2048
    assert g.p == 2 * g.q + 1 and g.p.bit_length() == 2048
    assert pow(g.g, g.q, g.p) == 1  # 2 is a quadratic residue: it generates the order-q subgroup


secrets_ = st.integers(min_value=1, max_value=SMALL.q - 1)


@settings(max_examples=200, deadline=None)
@given(
    x1=secrets_,
    x2=secrets_,
    choices=st.lists(st.integers(min_value=0, max_value=2), min_size=0, max_size=12),
)
def test_the_product_of_ballots_decrypts_to_the_count_of_each_choice(x1, x2, choices):
    key = b.joint_key([b.public_share(x1, SMALL), b.public_share(x2, SMALL)], SMALL)
    ballots = [b.encrypt_ballot(key, c, 3, SMALL) for c in choices]
    total = b.aggregate(ballots, 3, SMALL)
    partials = [b.partial_decryption(x, total, SMALL) for x in (x1, x2)]
    counts = b.decrypt_counts(total, partials, len(choices), SMALL)
    assert counts == tuple(choices.count(i) for i in range(3))


@settings(max_examples=100, deadline=None)
@given(x1=secrets_, x2=secrets_, m=st.integers(min_value=0, max_value=20))
def test_one_trustee_alone_does_not_decrypt(x1, x2, m):
    key = b.joint_key([b.public_share(x1, SMALL), b.public_share(x2, SMALL)], SMALL)
    ct = b.encrypt(key, m, SMALL)
    # With only x1, beta / alpha^x1 = g^m · h2^r and h2^r ≠ 1 (x2, r in [1, q-1], q prime): the
    # search never lands on m.
    try:
        alone = b.decrypt_counts([ct], [b.partial_decryption(x1, [ct], SMALL)], 20, SMALL)
    except b.BallotError:
        alone = None
    both = b.decrypt_counts(
        [ct], [b.partial_decryption(x, [ct], SMALL) for x in (x1, x2)], 20, SMALL
    )
    assert both == (m,) and alone != (m,)


@settings(max_examples=50, deadline=None)
@given(text=st.text(min_size=0, max_size=30), salt=st.binary(min_size=1, max_size=16))
def test_a_passphrase_derives_the_same_secret_every_time_and_short_ones_are_refused(text, salt):
    if len(text.strip()) < b.MIN_PASSPHRASE:
        with pytest.raises(b.BallotError, match="ít nhất 12 ký tự"):
            b.derive_secret(text, salt, SMALL, n=2)
        return
    x = b.derive_secret(text, salt, SMALL, n=2)
    assert 1 <= x < SMALL.q and x == b.derive_secret(text, salt, SMALL, n=2)


def test_the_real_group_round_trip_with_passphrase_keys_and_fresh_randomness():
    salt = b"0123456789abcdef"
    x1 = b.derive_secret("Thường trực Cụm 3 năm 2021", salt + b"secretariat")
    x2 = b.derive_secret("Đại diện Bộ giám sát biểu quyết", salt + b"ministry")
    assert x1 != x2
    key = b.joint_key([b.public_share(x1), b.public_share(x2)])
    choices = [0, 0, 1, 2, 0]
    ballots = [b.encrypt_ballot(key, c, 3) for c in choices]
    # The same choice never gives the same ciphertext (randomised), so equal ballots look unequal.
    assert ballots[0] != ballots[1] and b.receipt(ballots[0]) != b.receipt(ballots[1])
    stored = [b.from_text(b.to_text(x)) for x in ballots]
    assert stored == ballots
    total = b.aggregate(stored, 3)
    partials = [b.partial_decryption(x, total) for x in (x1, x2)]
    assert b.decrypt_counts(total, partials, len(choices)) == (3, 1, 1)


def test_a_tampered_aggregate_is_reported_not_miscounted():
    x1, x2 = 5, 7
    key = b.joint_key([b.public_share(x1, SMALL), b.public_share(x2, SMALL)], SMALL)
    forged = b.encrypt(key, 500, SMALL)  # "500 votes" slipped in instead of a 0/1 ciphertext
    partials = [b.partial_decryption(x, [forged], SMALL) for x in (x1, x2)]
    with pytest.raises(b.BallotError, match="không khớp"):
        b.decrypt_counts([forged], partials, 8, SMALL)


def test_a_choice_outside_the_ballot_is_refused():
    with pytest.raises(b.BallotError):
        b.encrypt_ballot(4, 3, 3, SMALL)


def test_a_passphrase_that_cannot_be_encoded_or_is_too_long_is_refused_in_words():
    with pytest.raises(b.BallotError, match="ký tự không hợp lệ"):
        b.check_passphrase("mười hai ký tự \ud800 nữa")
    with pytest.raises(b.BallotError, match="dài quá 500 ký tự"):
        b.check_passphrase("x" * 501)
