"""Running `loader` as a user does: through main(), with its exit code and output."""

from __future__ import annotations

import pytest

from loader.cli.main import main


def run_main(
    args: list[str], capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `loader ARGS`."""
    monkeypatch.setattr("sys.argv", ["loader", *args])
    with pytest.raises(SystemExit) as caught:
        main()
        raise SystemExit(0)
    out = capsys.readouterr()
    return caught.value.code or 0, out.out, out.err
