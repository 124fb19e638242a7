"""Secret ballots: exponential ElGamal with a key split between two trustees (pure Python).

The honouring vote stores, for each ballot, one ciphertext per choice (1 for the chosen one, 0 for
the others), encrypted to the joint key h = h1·h2 whose secret shares x1, x2 are derived from the
trustees' passphrases and never stored. Ciphertexts multiply into an encryption of the sums (the
tally); each trustee's partial decryption of the *product* lets the counts be recovered, while no
single ballot is ever decrypted.

Group: the 2048-bit MODP group of RFC 3526 (group 14). p is a safe prime (p = 2q + 1, q prime) and
p ≡ 7 (mod 8), so g = 2 is a quadratic residue and generates the subgroup of prime order q, where
the decisional Diffie–Hellman problem is believed hard: ElGamal in it is IND-CPA, i.e. a ciphertext
says nothing about its plaintext to anyone without the secret key.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Ciphertext = tuple[int, int]
Ballot = tuple[Ciphertext, ...]

MIN_PASSPHRASE = 12
MAX_PASSPHRASE = 500
# scrypt cost: ~16 MiB and ~0.1 s per derivation, paid once per trustee at opening and closing.
KDF_N, KDF_R, KDF_P = 2**14, 8, 1


class BallotError(ValueError):
    """A passphrase, ciphertext or tally that cannot be used (message in Vietnamese)."""


@dataclass(frozen=True)
class Group:
    p: int
    q: int
    g: int

    def element(self, value: int) -> int:
        """`value` as an element of Z_p* (0 < value < p); anything else is refused."""
        if not 0 < value < self.p:
            raise BallotError("Giá trị mã hóa không hợp lệ.")
        return value


_P2048 = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E34"
    "04DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5C"
    "B6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A"
    "69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA"
    "18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995"
    "497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF",
    16,
)
MODP_2048 = Group(p=_P2048, q=(_P2048 - 1) // 2, g=2)


# -- trustees' keys ------------------------------------------------------------------------------


def check_passphrase(passphrase: str) -> str:
    """The passphrase as it will be derived (NFC, outer spaces removed), or a BallotError."""
    text = unicodedata.normalize("NFC", passphrase or "").strip()
    if len(text) < MIN_PASSPHRASE:
        raise BallotError(
            f"Cụm mật khẩu phải có ít nhất {MIN_PASSPHRASE} ký tự (nên dùng một câu dễ nhớ)."
        )
    if len(text) > MAX_PASSPHRASE:
        raise BallotError(f"Cụm mật khẩu dài quá {MAX_PASSPHRASE} ký tự.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate sent through JSON
        raise BallotError("Cụm mật khẩu có ký tự không hợp lệ.") from exc
    return text


def derive_secret(passphrase: str, salt: bytes, group: Group = MODP_2048, *, n: int = KDF_N) -> int:
    """The trustee's secret share x in [1, q-1], from the passphrase and the vote's salt (scrypt)."""
    text = check_passphrase(passphrase).encode("utf-8")
    size = (group.q.bit_length() + 7) // 8 + 16  # 128 extra bits: the reduction mod q is unbiased
    raw = hashlib.scrypt(
        text, salt=salt, n=n, r=KDF_R, p=KDF_P, dklen=size, maxmem=64 * 1024 * 1024
    )
    return int.from_bytes(raw, "big") % (group.q - 1) + 1


def public_share(secret: int, group: Group = MODP_2048) -> int:
    return pow(group.g, secret, group.p)


def joint_key(shares: Iterable[int], group: Group = MODP_2048) -> int:
    key = 1
    for share in shares:
        key = key * group.element(share) % group.p
    return key


# -- ballots -------------------------------------------------------------------------------------


def encrypt(key: int, message: int, group: Group = MODP_2048) -> Ciphertext:
    """(g^r, g^m · h^r) with a fresh r: the same message gives a different ciphertext every time."""
    r = secrets.randbelow(group.q - 1) + 1
    return pow(group.g, r, group.p), pow(group.g, message, group.p) * pow(key, r, group.p) % group.p


def encrypt_ballot(key: int, choice: int, choices: int, group: Group = MODP_2048) -> Ballot:
    """One ciphertext per choice: an encryption of 1 for `choice`, of 0 for every other."""
    if not 0 <= choice < choices:
        raise BallotError("Lựa chọn không hợp lệ.")
    return tuple(encrypt(key, int(i == choice), group) for i in range(choices))


def aggregate(
    ballots: Iterable[Sequence[Ciphertext]], choices: int, group: Group = MODP_2048
) -> Ballot:
    """The component-wise product of the ballots: an encryption of the count of each choice."""
    total = [(1, 1)] * choices
    for ballot in ballots:
        if len(ballot) != choices:
            raise BallotError("Phiếu không đúng số lựa chọn.")
        total = [
            (a * group.element(x) % group.p, b * group.element(y) % group.p)
            for (a, b), (x, y) in zip(total, ballot, strict=True)
        ]
    return tuple(total)


def partial_decryption(
    secret: int, ciphertexts: Sequence[Ciphertext], group: Group = MODP_2048
) -> tuple[int, ...]:
    """A trustee's share of the decryption of each ciphertext: alpha^x."""
    return tuple(pow(alpha, secret, group.p) for alpha, _ in ciphertexts)


def decrypt_counts(
    ciphertexts: Sequence[Ciphertext],
    partials: Sequence[Sequence[int]],
    most: int,
    group: Group = MODP_2048,
) -> tuple[int, ...]:
    """The counts behind the aggregate, from every trustee's partial decryption: g^m = beta / Π d_i,
    then m by search in [0, most] (a count never exceeds the number of ballots)."""
    counts = []
    for index, (_, beta) in enumerate(ciphertexts):
        shared = 1
        for partial in partials:
            shared = shared * partial[index] % group.p
        target = beta * pow(shared, -1, group.p) % group.p
        value, power = None, 1
        for m in range(most + 1):
            if power == target:
                value = m
                break
            power = power * group.g % group.p
        if value is None:
            raise BallotError("Kiểm phiếu không khớp: tổng phiếu giải mã không hợp lệ.")
        counts.append(value)
    return tuple(counts)


# -- storage and receipts ------------------------------------------------------------------------


def to_text(ballot: Sequence[Ciphertext]) -> list[list[str]]:
    """JSON-storable form: each ciphertext as two lowercase hex strings."""
    return [[format(a, "x"), format(b, "x")] for a, b in ballot]


def from_text(stored: Sequence[Sequence[str]], group: Group = MODP_2048) -> Ballot:
    try:
        return tuple((group.element(int(a, 16)), group.element(int(b, 16))) for a, b in stored)
    except (TypeError, ValueError) as exc:
        raise BallotError("Phiếu đã lưu không đọc được.") from exc


def receipt(ballot: Sequence[Ciphertext]) -> str:
    """The ballot's fingerprint (SHA-256 of its ciphertexts), which its unit keeps to check the tally."""
    digest = hashlib.sha256()
    for alpha, beta in ballot:
        digest.update(f"{alpha:x}.{beta:x};".encode("ascii"))
    return digest.hexdigest()
