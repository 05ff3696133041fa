"""The pytest plugin: a "Known error: TITLE: URL" section under each failing test that fixdex recognises.

Installed with fixdex (entry point `pytest11`), so it is loaded in every test
run of an environment that has fixdex, including projects that only depend on
it. It therefore changes nothing unless switched on, with `--fixdex` or
`fixdex = true` in the ini file (`[tool.pytest.ini_options]`); `-p no:fixdex`
unloads it, and `FIXDEX_LINKS=0` keeps it silent.

The index is read at the first failure, not at start-up, so a passing run
costs nothing.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from fixdex.hook import known_error_for

SECTION = "fixdex"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("fixdex", "links from errors to fixdex entries")
    group.addoption("--fixdex", action="store_true", default=False,
                    help="add a 'Known error: TITLE: URL' section to failing tests whose error fixdex recognises")
    parser.addini("fixdex", type="bool", default=False, help="like --fixdex, for every run")


def _switched_on(config: pytest.Config) -> bool:
    return bool(config.getoption("fixdex", default=False) or config.getini("fixdex"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    outcome = yield
    excinfo = call.excinfo
    if excinfo is None or not _switched_on(item.config):
        return
    report = outcome.get_result()
    if not report.failed:
        return
    line = known_error_for(excinfo.value, tb=excinfo.tb)
    if line:
        report.sections.append((SECTION, line))
