"""What the tests share: helpers and fixtures' parts that several test modules use.

A test module imports from here (and from tracker), never from another test module
(tests/test_test_imports.py checks it), so a test file can be moved or deleted on its own.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
# The demo and the locks depend on "today"; tests pin it so that 2026-Q3 is the latest ended quarter
# and still open for upload (30 days after 30/9/2026).
TODAY = "2026-10-15"
# Screenshots and other results for a person to look at (git-ignored; never data/).
OUTPUT = ROOT / "test-output"
