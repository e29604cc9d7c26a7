from .calibration import CALIBRATION_FILE, read_gamma
from .checkpoint import register_safe_globals
from .config import innermost_dataset_cfg, zsl_dataset_cfg
from .dist import (LAUNCHER_ENV, merge_launcher, missing_launcher_env,
                   setup_distributed)
from .fileio import (atomic_open, discard_run_on_early_failure,
                     write_json_atomic)
from .setup_env import check_environment

__all__ = [
    'CALIBRATION_FILE', 'LAUNCHER_ENV', 'atomic_open', 'check_environment',
    'discard_run_on_early_failure', 'innermost_dataset_cfg',
    'merge_launcher', 'missing_launcher_env', 'read_gamma',
    'register_safe_globals', 'setup_distributed', 'write_json_atomic',
    'zsl_dataset_cfg'
]
