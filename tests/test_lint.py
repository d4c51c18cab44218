"""Style and purity checks: ruff passes, and lib/ never imports streamlit."""

import subprocess
import sys

from tests.conftest import ROOT


def test_ruff_passes():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", str(ROOT)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_lib_has_no_streamlit_import():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "lib").rglob("*.py")
        if any(
            line.strip().startswith(("import streamlit", "from streamlit")) for line in path.read_text().splitlines()
        )
    ]
    assert offenders == []
