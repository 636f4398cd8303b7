"""The settings file: defaults, refusal of bad values, atomic saving."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kamdesk.errors import KamdeskError
from kamdesk.settings import (
    ACCENT_COLOR,
    ALL_SETTINGS,
    COMPANY_NAME,
    DEFAULT_CURRENCY,
    LANGUAGE,
    PRIMARY_COLOR,
    Settings,
)


def test_missing_file_gives_the_defaults(tmp_path: Path) -> None:
    settings = Settings(tmp_path / "settings.json")
    assert settings.get(PRIMARY_COLOR) == "#1F4E79"
    assert settings.get(ACCENT_COLOR) == "#C0504D"
    assert settings.get(DEFAULT_CURRENCY) == "CNY"
    assert settings.get(COMPANY_NAME) == ""


@pytest.mark.parametrize(
    "content",
    [b"{ not json", b"", b"[1, 2, 3]", b"\xff\xfe\x00garbage", b'"just a string"'],
)
def test_broken_file_gives_the_defaults(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    settings = Settings(path)
    for setting in ALL_SETTINGS:
        assert settings.get(setting) == setting.default()


def test_a_hand_edited_bad_value_falls_back_to_its_default(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"primary_color": "blue", "company_name": "Acme 集团"}))
    settings = Settings(path)
    assert settings.get(PRIMARY_COLOR) == "#1F4E79"
    assert settings.get(COMPANY_NAME) == "Acme 集团"


def test_language_default_follows_the_system(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert Settings(tmp_path / "s.json").get(LANGUAGE) == "zh_CN"
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert Settings(tmp_path / "s.json").get(LANGUAGE) == "en"


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        (PRIMARY_COLOR, "red"),
        (PRIMARY_COLOR, "#12345"),
        (DEFAULT_CURRENCY, "rmb"),
        (LANGUAGE, "fr"),
        (COMPANY_NAME, 42),
    ],
)
def test_set_refuses_an_invalid_value_and_keeps_the_old_one(
    tmp_path: Path, setting: object, value: object
) -> None:
    path = tmp_path / "settings.json"
    settings = Settings(path)
    before = settings.get(setting)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        settings.set(setting, value)  # type: ignore[arg-type]
    assert settings.get(setting) == before  # type: ignore[arg-type]
    assert not path.exists()


def test_set_saves_valid_json_that_a_new_session_reads(tmp_path: Path) -> None:
    path = tmp_path / "config" / "settings.json"
    settings = Settings(path)
    settings.set(COMPANY_NAME, "华东 Solutions")
    settings.set(PRIMARY_COLOR, "#003366")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data == {"company_name": "华东 Solutions", "primary_color": "#003366"}
    again = Settings(path)
    assert again.get(COMPANY_NAME) == "华东 Solutions"
    assert again.get(PRIMARY_COLOR) == "#003366"
    # Nothing but the settings file is left in the folder (no temp file).
    assert sorted(p.name for p in path.parent.iterdir()) == ["settings.json"]


def test_a_failed_save_leaves_the_previous_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "settings.json"
    Settings(path).set(COMPANY_NAME, "Old name")
    original = path.read_bytes()

    def crash(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("kamdesk.settings.os.replace", crash)
    with pytest.raises(KamdeskError, match="could not be saved"):
        Settings(path).set(COMPANY_NAME, "New name")
    assert path.read_bytes() == original
    assert Settings(path).get(COMPANY_NAME) == "Old name"


def test_default_location_is_under_kamdesk_home(kamdesk_home: Path) -> None:
    settings = Settings()
    settings.set(COMPANY_NAME, "Acme")
    assert settings.path.is_relative_to(kamdesk_home)
    assert json.loads(settings.path.read_text(encoding="utf-8")) == {"company_name": "Acme"}
