from tests.web.conftest import county_people, fast_password_hashing  # noqa: F401
