"""``python -m thidua.extract`` — see :mod:`thidua.engine.extract.cli`."""

from __future__ import annotations

import sys

from thidua.engine.extract.cli import main

if __name__ == "__main__":
    sys.exit(main())
