"""The ``instance/`` folder of an embedded setup: the SQLite files and the secret key.

A county's pilot runs the embedded setup as it is, often without ``SECRET_KEY``: a key
written in the code would let anyone who reads the code sign an administrator's session
or a volunteer's link. So, when none is configured, one is generated once into
``instance/secret_key`` (readable by its owner only) and read back by every process
after. Production mode never gets here: it refuses to start without a configured key.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from flask import Flask

SECRET_FILE = "secret_key"
SECRET_BYTES = 48
# Another process may be writing the file this very moment (gunicorn starts several).
WAIT_FOR_WRITER_S = 5.0


def needs_folder(config) -> bool:
    """Whether the settings keep anything under ``instance/``: an SQLite database, the
    SQLite task queue (no Redis), or a generated secret key."""
    return (
        config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
        or not (config.get("REDIS_URL") or config.get("QUEUE_SQLITE_PATH"))
        or not config.get("SECRET_KEY")
    )


def instance_secret_key(folder: Path) -> str:
    """The key in ``folder/secret_key``, made (mode 0600) by the first process to ask."""
    path = folder / SECRET_FILE
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        draft = folder / f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(SECRET_BYTES))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            # A hard link appears whole or not at all, and never replaces a key that
            # another process made first.
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    deadline = time.monotonic() + WAIT_FOR_WRITER_S
    while True:
        key = path.read_text().strip()
        if key or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    if len(key) < 32:
        raise RuntimeError(f"{path} holds no usable secret key: delete it to make a new one")
    return key


def prepare(app: Flask) -> None:
    """Create ``instance/`` where the settings keep something there, and give an
    unconfigured embedded setup its own generated secret key."""
    if needs_folder(app.config):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))
