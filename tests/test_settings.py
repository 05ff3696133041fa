"""Where links point, read without MkDocs: mkdocs.yml's `!ENV` and other tags, pyproject.toml's [tool.fixdex]."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixdex.settings import configured_base_url

MKDOCS_YML = """\
site_name: team errors
site_url: !ENV [TEAM_SITE_URL, "https://errors.team.test/"]
markdown_extensions:
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
"""


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("FIXDEX_BASE_URL", "TEAM_SITE_URL"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "entries").mkdir()
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    return tmp_path


def test_site_url_from_mkdocs_yml_resolves_env_like_mkdocs(kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert configured_base_url(kb) == "https://errors.team.test/"
    monkeypatch.setenv("TEAM_SITE_URL", "https://staging.team.test/")
    assert configured_base_url(kb / "entries") == "https://staging.team.test/"


def test_pyproject_and_the_environment_come_first(kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (kb / "pyproject.toml").write_text('[tool.fixdex]\nbase_url = "https://from.pyproject.test/"\n', encoding="utf-8")
    assert configured_base_url(kb) == "https://from.pyproject.test/"
    monkeypatch.setenv("FIXDEX_BASE_URL", "https://from.env.test/")
    assert configured_base_url(kb) == "https://from.env.test/"


def test_a_broken_mkdocs_yml_only_means_no_default(kb: Path) -> None:
    (kb / "mkdocs.yml").write_text("site_url: [unclosed\n", encoding="utf-8")
    assert configured_base_url(kb) == ""
