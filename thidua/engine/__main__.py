"""``python -m thidua.engine`` — see :mod:`thidua.engine.cli`."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
