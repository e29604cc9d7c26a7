from .checkpoint import register_safe_globals
from .fileio import atomic_open, write_json_atomic
from .setup_env import check_environment

__all__ = [
    'atomic_open', 'check_environment', 'register_safe_globals',
    'write_json_atomic'
]
