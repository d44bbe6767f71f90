"""Regenerate ``index.json``: ``python -m engramlab.experiments.index``.

Run it after adding an experiment or changing its title, parameters or targets; the
test suite fails, naming this command, while the index is out of date.
"""

from __future__ import annotations

import sys

from engramlab.experiments._registry import INDEX_PATH, build_index, index_text


def main() -> int:
    """Write the index; with ``--check``, only report whether it is up to date."""
    text = index_text(build_index())
    current = INDEX_PATH.read_text(encoding="utf-8") if INDEX_PATH.exists() else ""
    if "--check" in sys.argv[1:]:
        if text != current:
            print(f"{INDEX_PATH} is out of date: run python -m engramlab.experiments.index")
            return 1
        return 0
    if text != current:
        INDEX_PATH.write_text(text, encoding="utf-8")
        print(f"wrote {INDEX_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
