"""The embedded setup's instance folder: made where something lives there, and a secret
key generated once, kept private, and shared by every process."""

from __future__ import annotations

import stat
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from supply_match.instance import SECRET_FILE, instance_secret_key, needs_folder


def test_a_key_is_generated_once_readable_by_its_owner_only(tmp_path):
    folder = tmp_path / "instance"
    key = instance_secret_key(folder)
    path = folder / SECRET_FILE
    assert len(key) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert instance_secret_key(folder) == key
    assert sorted(p.name for p in folder.iterdir()) == [SECRET_FILE]  # no draft left behind


def test_processes_starting_together_share_one_key(tmp_path):
    with ProcessPoolExecutor(max_workers=6) as pool:
        keys = set(pool.map(instance_secret_key, [tmp_path] * 12))
    assert len(keys) == 1
    assert (tmp_path / SECRET_FILE).read_text().strip() in keys


def test_another_folder_gets_another_key(tmp_path):
    assert instance_secret_key(tmp_path / "a") != instance_secret_key(tmp_path / "b")


def test_postgresql_without_redis_still_needs_the_folder_for_the_queue():
    postgres = {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db/x", "SECRET_KEY": "k"}
    assert needs_folder(postgres)
    assert not needs_folder({**postgres, "REDIS_URL": "redis://localhost/0"})
    assert needs_folder({"SQLALCHEMY_DATABASE_URI": "sqlite:///x.db", "REDIS_URL": "r"})


def test_an_unconfigured_app_signs_with_its_instance_key(tmp_path, monkeypatch):
    from supply_match import create_app

    monkeypatch.setattr("supply_match.INSTANCE_DIR", Path(tmp_path))
    app = create_app(
        {
            "SECRET_KEY": None,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "QUEUE_SQLITE_PATH": str(tmp_path / "queue.db"),
        }
    )
    assert app.config["SECRET_KEY"] == (tmp_path / SECRET_FILE).read_text().strip()
