"""The README's production path, as written, from a fresh copy of the tree: PostgreSQL in
``DATABASE_URL``, no Redis, ``SUPPLY_MATCH_ENV=production`` with a real ``SECRET_KEY``;
``flask --app supply_match init-db``; ``gunicorn -c python:supply_match.serving
"supply_match:create_app()"``; then the
login page and a sign-in over HTTP."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import servers
from tests.conftest import BACKENDS

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
STARTUP_S = 60


def _fresh_copy(target: Path) -> Path:
    """The tree's files as git knows them (committed or not, never the ignored ones:
    no instance/, no compiled catalogs), with the shared virtualenv linked in."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    for name in filter(None, (item.decode() for item in listed)):
        source = ROOT / name
        if name == ".venv" or not source.is_file() or source.is_symlink():
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / name)
    (target / ".venv").symlink_to(VENV_BIN.parent)
    return target


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{command}: {done.stdout}\n{done.stderr}"
    return done


def _request(port: int, method: str, path: str, body: str = "", cookie: str = ""):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
    if cookie:
        headers["Cookie"] = cookie
    connection.request(method, path, body=body or None, headers=headers)
    response = connection.getresponse()
    content = response.read().decode()
    connection.close()
    return response, content


def _session_cookie(response) -> str:
    # The cookie is Secure (HTTPS at the proxy); a browser would send it back over TLS.
    for header, value in response.getheaders():
        if header.lower() == "set-cookie" and value.startswith("session="):
            return value.split(";", 1)[0]
    raise AssertionError("no session cookie set")


@pytest.fixture
def production_database(request):
    if "postgresql" not in BACKENDS:
        pytest.skip("the production path runs on PostgreSQL")
    server = request.getfixturevalue("postgres_server")
    admin_url = server if isinstance(server, str) else server.admin_url
    servers.create_database(admin_url, "supply_match_production_path")
    return admin_url.rsplit("/", 1)[0].replace("postgresql+psycopg://", "postgresql://") + (
        "/supply_match_production_path"
    )


def test_the_readme_production_path_serves_and_signs_in(tmp_path, production_database):
    tree = _fresh_copy(tmp_path / "supply_match")
    assert not (tree / "instance").exists()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "SECRET_KEY", "SUPPLY_MATCH_ENV", "TEST_DATABASE_URL")
    }
    env.update(
        PATH=f"{tree / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        DATABASE_URL=production_database,
        SUPPLY_MATCH_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(48),
    )
    # `make translations`, as every make target does before serving.
    _run(
        [".venv/bin/pybabel", "-q", "compile", "--use-fuzzy", "-d", "supply_match/translations"],
        tree,
        env,
    )
    _run([".venv/bin/flask", "--app", "supply_match", "init-db"], tree, env)
    _run(
        [
            ".venv/bin/python",
            "-c",
            "from supply_match import create_app\n"
            "from supply_match.extensions import db\n"
            "from supply_match.services.county.accounts import create_user\n"
            "with create_app().app_context():\n"
            "    create_user(username='xian', display_name='县管理员',"
            " password='county-2020', role='admin')\n"
            "    db.session.commit()\n",
        ],
        tree,
        env,
    )

    port = servers.free_port()
    gunicorn = subprocess.Popen(
        [".venv/bin/gunicorn", "-c", "python:supply_match.serving"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "2", "supply_match:create_app()"],
        cwd=tree,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + STARTUP_S
        while True:
            try:
                page, text = _request(port, "GET", "/login")
                break
            except OSError:
                assert gunicorn.poll() is None, gunicorn.stdout.read().decode()
                assert time.monotonic() < deadline, "gunicorn did not answer"
                time.sleep(0.2)
        assert page.status == 200
        assert "登录" in text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text).group(1)
        cookie = _session_cookie(page)

        form = f"csrf_token={token}&login=xian&password=county-2020"
        signed_in, _text = _request(port, "POST", "/login", form, cookie)
        assert signed_in.status == 302, _text
        assert signed_in.getheader("Location") == "/admin/"
        home, home_text = _request(port, "GET", "/admin/", cookie=_session_cookie(signed_in))
        assert home.status == 200
        assert "县管理员" in home_text
        assert home.getheader("Cache-Control") == "no-store"
    finally:
        gunicorn.terminate()
        try:
            gunicorn.wait(timeout=20)
        except subprocess.TimeoutExpired:
            gunicorn.kill()
            gunicorn.wait()
    # No Redis: the queue's SQLite file found its folder.
    assert (tree / "instance").is_dir()
    assert not (tree / "instance" / "secret_key").exists()  # production's key is configured
