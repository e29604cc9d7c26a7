"""The parts of ``.dev_scripts/benchmark.py``: one module per benchmark and
the report writer (``report``)."""
