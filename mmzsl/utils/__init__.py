from .checkpoint import register_safe_globals
from .setup_env import check_environment

__all__ = ['check_environment', 'register_safe_globals']
