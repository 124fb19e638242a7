"""Configuration fails loudly: production without a secret, or a boolean that is not one."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from thidua.env import env_bool, env_int, env_secret

ROOT = Path(__file__).resolve().parents[1]


def run_django(
    env: dict[str, str], code: str = "import django; django.setup()"
) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "SECRET_KEY_FILE", "THIDUA_ENV", "DEBUG"}
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**clean, "DJANGO_SETTINGS_MODULE": "thidua.settings", **env},
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_django({"THIDUA_ENV": "production", "ALLOWED_HOSTS": "thidua.bca"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and "refusing to start" in result.stderr


def test_production_starts_with_a_secret_key_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s" * 60)
    result = run_django(
        {"THIDUA_ENV": "production", "SECRET_KEY_FILE": str(secret), "ALLOWED_HOSTS": "thidua.bca"},
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True"]


def test_production_settings_pass_the_deploy_check(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text(secrets.token_urlsafe(50))
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "THIDUA_ENV": "production",
            "SECRET_KEY_FILE": str(secret),
            "ALLOWED_HOSTS": "thidua.bca",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_typo_in_a_boolean_setting_is_an_error(monkeypatch):
    monkeypatch.setenv("DEBUG", "ture")
    with pytest.raises(ImproperlyConfigured, match="not a boolean"):
        env_bool("DEBUG")
    monkeypatch.setenv("DEBUG", "off")
    assert env_bool("DEBUG", True) is False


def test_integer_settings_reject_junk(monkeypatch):
    monkeypatch.setenv("AXES_FAILURE_LIMIT", "năm")
    with pytest.raises(ImproperlyConfigured):
        env_int("AXES_FAILURE_LIMIT", 5)


def test_secret_is_read_from_a_file_when_named(monkeypatch, tmp_path):
    path = tmp_path / "key"
    path.write_text("bi-mat\n")
    monkeypatch.setenv("SECRET_KEY_FILE", str(path))
    assert env_secret("SECRET_KEY") == "bi-mat"
