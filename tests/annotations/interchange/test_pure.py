"""The modules that say they are pure import without Django (and so without a database)."""

import subprocess
import sys

PURE = ["anchoring", "records", "brat", "jsonl", "w3c", "table", "uploads"]


def test_it_imports_the_pure_modules_without_loading_django():
    modules = ", ".join(f"annotations.interchange.{name}" for name in PURE)
    code = (
        f"import sys, {modules}\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(loaded)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
