"""``python -m thidua.extract REPORT [--scale SCALE.json]`` — see :mod:`thidua.engine.extract.cli`."""
