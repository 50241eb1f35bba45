"""Passwords are kept as Argon2id with the OWASP settings (outside the page tests, which
put in a cheaper hasher)."""

from werkzeug.security import generate_password_hash

from supply_match import password_hashing


def test_new_passwords_are_argon2id_with_19_mib_2_passes_1_lane():
    stored = password_hashing.hash_password("Pengshui-2020")
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert password_hashing.password_matches(stored, "Pengshui-2020")
    assert not password_hashing.password_matches(stored, "pengshui-2020")
    assert not password_hashing.needs_rehash(stored)


def test_werkzeug_hashes_of_earlier_releases_still_match_and_ask_for_a_new_hash():
    stored = generate_password_hash("Pengshui-2020", method="pbkdf2:sha256:1000")
    assert password_hashing.password_matches(stored, "Pengshui-2020")
    assert not password_hashing.password_matches(stored, "wrong")
    assert password_hashing.needs_rehash(stored)
