"""Argument checks shared by the command-line tools.

A tool checks its inputs before it builds a Runner, a work dir or a model,
so that bad input costs seconds, not a training. A bad input raises
:class:`CLIError`; :func:`run_cli` prints it as one line::

    error: <what is wrong> — <how to fix it>

and exits with status 2. ``--debug`` (see :func:`add_debug_flag`) shows the
full traceback instead. Other exceptions are bugs and keep their traceback.
"""
from .errors import CLIError, add_debug_flag, run_cli
from .inputs import (check_amp, check_checkpoint, check_class_name,
                     check_device, check_gamma, check_image, check_launcher,
                     check_module_names, checkpoint_classes, load_config)
from .options import merge_cfg_options, resolve_hook_key
from .registry import check_gamma_range, check_registry_types
from .work_dirs import (check_earlier_job, check_test_work_dir,
                        check_work_dir)

__all__ = [
    'CLIError', 'add_debug_flag', 'run_cli', 'load_config', 'check_checkpoint',
    'check_image', 'check_gamma', 'check_amp', 'check_device',
    'check_launcher', 'check_registry_types', 'check_class_name',
    'checkpoint_classes', 'check_work_dir', 'check_earlier_job',
    'check_test_work_dir', 'check_gamma_range', 'merge_cfg_options',
    'check_module_names', 'resolve_hook_key'
]
