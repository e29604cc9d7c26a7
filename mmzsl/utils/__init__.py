from .checkpoint import register_safe_globals
from .fileio import (atomic_open, discard_run_on_early_failure,
                     write_json_atomic)
from .setup_env import check_environment

__all__ = [
    'atomic_open', 'check_environment', 'discard_run_on_early_failure',
    'register_safe_globals', 'write_json_atomic'
]
