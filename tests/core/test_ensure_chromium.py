"""scripts/ensure-chromium: `make test` finds or gets the browser its browser tests drive."""

import os
import stat
import subprocess
from pathlib import Path

from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "ensure-chromium"


def _executable(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def _bin_with(tmp_path: Path, *tools: str) -> Path:
    """A PATH folder holding only the named system tools (links to the real ones)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for tool in tools:
        real = subprocess.run(["/bin/sh", "-c", f"command -v {tool}"], capture_output=True, text=True, check=True)  # noqa: S603 (fixed tool names)
        (folder / tool).symlink_to(real.stdout.strip())
    return folder


def _run(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own script, fixed arguments)
        ["/bin/bash", str(SCRIPT)], capture_output=True, text=True, env=env, timeout=30, check=False
    )


def test_a_chromium_path_that_exists_is_used_as_it_is(tmp_path):
    browser = _executable(tmp_path / "my-chromium", "exit 0")

    result = _run({"PATH": os.environ["PATH"], "CHROMIUM_PATH": str(browser)})

    assert result.returncode == 0
    assert result.stdout.strip() == str(browser)


def test_a_chromium_path_that_does_not_exist_stops_with_what_to_run(tmp_path):
    result = _run({"PATH": os.environ["PATH"], "CHROMIUM_PATH": str(tmp_path / "missing")})

    assert result.returncode == 1
    assert result.stdout == ""
    assert "is not an executable file" in result.stderr
    assert "apt-get install chromium" in result.stderr


def test_a_system_chromium_is_found_without_installing_anything(tmp_path):
    browser = _executable(tmp_path / "chromium", "exit 0")

    result = _run({"PATH": os.environ["PATH"], "CHROMIUM_CANDIDATES": f"{tmp_path}/absent {browser}"})

    assert result.returncode == 0
    assert result.stdout.strip() == str(browser)
    assert "Installing" not in result.stderr


def test_as_root_with_apt_it_installs_debians_chromium(tmp_path):
    # given: no browser, root, and an apt-get that installs one where Debian puts it
    target = tmp_path / "usr-bin-chromium"
    folder = _bin_with(tmp_path, "id", "chmod")
    _executable(
        folder / "apt-get", f'[ "$1" = install ] && printf "#!/bin/sh\\n" > {target} && chmod +x {target}; exit 0'
    )
    env = {"PATH": str(folder), "CHROMIUM_CANDIDATES": str(target), "PYTHON": str(tmp_path / "no-python")}
    if os.geteuid() != 0:
        _executable(folder / "id", "echo 0")

    # when
    result = _run(env)

    # then
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(target)
    assert "Installing Debian's chromium" in result.stderr


def test_with_no_way_to_get_a_browser_it_says_what_to_run_in_one_line(tmp_path):
    # given: no browser, no apt-get, no Playwright
    folder = _bin_with(tmp_path, "id")
    env = {"PATH": str(folder), "CHROMIUM_CANDIDATES": str(tmp_path / "absent"), "PYTHON": str(tmp_path / "none")}

    result = _run(env)

    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("No Chromium for the browser tests: run ")
