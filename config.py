"""Settings for supply_match.

The embedded default needs no environment at all: an SQLite file, an SQLite task queue
and a secret key generated once, all under ``instance/``. Production reads everything
that matters from the environment and refuses to start without a real ``SECRET_KEY``.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"
# A placeholder key once written here; production refuses it should an environment hold it.
DEV_SECRET_KEY = "dev-only-not-secret"


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'supply_match.db'}"
    # Heroku-style URLs name the dialect "postgres"; SQLAlchemy wants a driver too.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Config:
    # Unset: the embedded setup generates one into instance/secret_key (supply_match/instance.py).
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL")
    # The address volunteers open, for the links and QR codes on route sheets made by the
    # worker ("https://peng.example.cn/"). Unset: the host the dispatcher's request used.
    SITE_URL = os.environ.get("SITE_URL") or None

    BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = {"zh_Hans_CN": "简体中文", "en": "English"}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 12 * 3600
    WTF_CSRF_TIME_LIMIT = 12 * 3600

    # Login throttling: this many failures for one account or one address within the
    # window locks further attempts until the window has passed.
    LOGIN_MAX_FAILURES = 5
    LOGIN_FAILURE_WINDOW_S = 15 * 60
    # Failures from one address before it is locked too (0: no limit per address).
    LOGIN_MAX_FAILURES_PER_IP = 20
    # Volunteers' sign-ups (a public form) accepted from one address within the window; a
    # party branch may sign its members up together from one office's connection.
    SIGNUP_MAX_PER_IP = 30
    SIGNUP_WINDOW_S = 60 * 60
    # Reverse proxies in front of the app (nginx: 1), so throttling sees the real client.
    TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

    # Uploads (order and stock sheets) larger than this are refused before they are read.
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024

    # Every sheet import (orders, stock, coordinates) stays within these, whatever the
    # file's shape: what an .xlsx declares is checked before it is read, and what it
    # unpacks to is counted while it is (services/documents/import_limits.py).
    IMPORT_MAX_BYTES = 5 * 1024 * 1024  # the uploaded file
    IMPORT_MAX_ROWS = 20_000  # rows read, blank or not, the header included
    IMPORT_MAX_COLUMNS = 200
    IMPORT_MAX_CELLS = 320_000  # cells read, blank or not (20,000 rows of 16)
    IMPORT_MAX_CELL_CHARS = 2_000
    IMPORT_MAX_UNZIPPED_BYTES = 32 * 1024 * 1024  # all parts read from an .xlsx, unpacked
    IMPORT_MAX_COMPRESSION_RATIO = 200  # unpacked to packed size of a part over 1 MiB
    IMPORT_MAX_ZIP_ENTRIES = 500
    IMPORT_MAX_SHEETS = 100
    IMPORT_MAX_SHARED_STRINGS = 200_000
    IMPORT_MAX_XML_ELEMENTS = 1_000_000  # over all parts read
    IMPORT_MAX_XML_DEPTH = 40

    # Planning: road distance is great-circle distance times this factor (mountain roads
    # wind), and pesticide never rides with seed unless switched off per day.
    PLANNING_CIRCUITY = float(os.environ.get("PLANNING_CIRCUITY", "1.4"))

    # A volunteer's link may post updates this often per minute (a phone back online sends
    # its queued changes in one post); more is answered 429. Counted in the database.
    VOLUNTEER_POSTS_PER_MINUTE = int(os.environ.get("VOLUNTEER_POSTS_PER_MINUTE", "30"))

    DEMO_SEED = 2020
    PAGE_SIZE = 50

    @classmethod
    def validate(cls) -> None:
        """Raise if these settings must not serve; the default is always fine."""


class DevelopmentConfig(Config):
    DEBUG = False


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    SQLALCHEMY_ENGINE_OPTIONS = {}


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True

    @classmethod
    def validate(cls) -> None:
        key = os.environ.get("SECRET_KEY", "")
        if not key or key == DEV_SECRET_KEY or len(key) < 32:
            raise RuntimeError(
                "Production mode needs a real SECRET_KEY (at least 32 random characters) "
                "in the environment; refusing to start."
            )
        cls.SECRET_KEY = key


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "test": TestConfig,
}


def config_from_environment() -> type[Config]:
    name = os.environ.get("SUPPLY_MATCH_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(
            f"SUPPLY_MATCH_ENV={name!r} is not one of {', '.join(sorted(CONFIGS))}"
        ) from None
