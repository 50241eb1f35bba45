"""The page fixtures of tests/web (signing in, a small county with two villages), shared
with the supply, catalogue, import and intake page tests."""

from tests.web.conftest import (  # noqa: F401  (fixtures)
    auth,
    compiled_catalogs,
    county_people,
    fast_password_hashing,
)
