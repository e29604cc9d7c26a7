"""Argument checks shared by the command-line tools.

A tool checks its inputs before it builds a Runner, a work dir or a model,
so that bad input costs seconds, not a training. A bad input raises
:class:`CLIError`; :func:`run_cli` prints it as one line::

    error: <what is wrong> — <how to fix it>

and exits with status 2. ``--debug`` (see :func:`add_debug_flag`) shows the
full traceback instead. Other exceptions are bugs and keep their traceback.
"""
import argparse
import difflib
import os
import os.path as osp
import sys
from typing import Callable, Iterable, List, Optional, Sequence, Union

import torch
from mmengine.config import Config

from mmzsl.utils import missing_launcher_env, read_gamma

__all__ = [
    'CLIError', 'add_debug_flag', 'run_cli', 'load_config', 'check_checkpoint',
    'check_image', 'check_gamma', 'check_amp', 'check_device',
    'check_launcher', 'check_registry_types', 'check_class_name',
    'checkpoint_classes'
]

_LAUNCHER_TOOL = {
    'pytorch': 'tools/dist_train.sh (torchrun)',
    'slurm': 'tools/slurm_train.sh (srun)',
    'mpi': 'mpirun',
}


class CLIError(Exception):
    """A bad input of a command-line tool.

    Args:
        what (str): what is wrong, naming the file or value.
        fix (str): how to fix it.
    """

    def __init__(self, what: str, fix: str) -> None:
        super().__init__(f'{what} — {fix}')
        self.what, self.fix = what, fix


def add_debug_flag(parser: argparse.ArgumentParser) -> None:
    """Add ``--debug``: full tracebacks instead of one-line errors."""
    parser.add_argument(
        '--debug',
        action='store_true',
        help='show the full traceback of an input error')


def run_cli(main: Callable[[], Optional[int]],
            argv: Optional[Sequence[str]] = None) -> None:
    """Run a tool's ``main`` and exit with its status.

    A :class:`CLIError` prints ``error: <what> — <fix>`` to stderr and exits
    with status 2 (the status argparse uses for a bad argument), unless
    ``--debug`` is among the arguments.
    """
    argv = sys.argv[1:] if argv is None else argv
    try:
        status = main()
    except CLIError as e:
        if '--debug' in argv:
            raise
        print(f'error: {e}', file=sys.stderr, flush=True)
        sys.exit(2)
    sys.exit(status or 0)


def _close(name: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'X'?)`` or an empty string."""
    match = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ''


def _registries() -> list:
    """Every registry mmpretrain builds from (with mmengine's root
    registries and the children of both)."""
    import mmengine.registry as root
    import mmpretrain.registry as registry
    todo = [
        v for module in (root, registry) for v in vars(module).values()
        if isinstance(v, root.Registry)
    ]
    seen, out = set(), []
    while todo:
        reg = todo.pop()
        if id(reg) in seen:
            continue
        seen.add(id(reg))
        out.append(reg)
        todo.extend(reg.children.values())
        if reg.parent is not None:
            todo.append(reg.parent)
    return out


def _config_types(node, path: str = '') -> List[tuple]:
    """``(key path, type name)`` of every ``type='...'`` in a config."""
    found = []
    if isinstance(node, dict):
        if isinstance(node.get('type'), str):
            found.append((path or 'type', node['type']))
        for key, value in node.items():
            found += _config_types(value, f'{path}.{key}' if path else key)
    elif isinstance(node, (list, tuple)):
        for i, value in enumerate(node):
            found += _config_types(value, f'{path}[{i}]')
    return found


def check_registry_types(cfg: Config) -> None:
    """Every ``type`` of the config names a registered component.

    Names with a dot (an import path such as ``'torch.optim.SGD'``) are left
    to mmengine, except a scope prefix (``'mmpretrain.ResNet'``).

    Raises:
        CLIError: naming the key, the unknown type and the closest
            registered name.
    """
    registries = _registries()
    scopes = {reg.scope for reg in registries}
    names = set()
    for reg in registries:
        reg.import_from_location()  # the modules a build would import
        names.update(reg.module_dict)
    for key, name in _config_types(cfg.to_dict()):
        bare = name
        if '.' in name:
            scope, _, bare = name.partition('.')
            if scope not in scopes:
                continue  # an import path: mmengine locates it
        if bare in names:
            continue
        source = osp.basename(cfg.filename) if cfg.filename else 'the config'
        raise CLIError(
            f"{key}: type '{name}' in {source} is not a registered "
            f'component{_close(bare, names)}',
            'correct the name, or add the module that registers it to '
            'custom_imports')


def load_config(path: str) -> Config:
    """Read a config file (its types are checked by
    :func:`check_registry_types` once the options are merged).

    Raises:
        CLIError: if the file does not exist or does not parse.
    """
    if not osp.isfile(path):
        folder = osp.dirname(path) or '.'
        near = ''
        if osp.isdir(folder):
            near = _close(osp.basename(path), os.listdir(folder))
        raise CLIError(f'config {path} does not exist{near}',
                       'give the path of a config file, e.g. '
                       'configs/crafting/resnet18_shapes_semantic.py')
    try:
        return Config.fromfile(path)
    except Exception as e:  # any error of a user's file is bad input
        raise CLIError(f'config {path} cannot be read: '
                       f'{type(e).__name__}: {e}',
                       'fix the file (run with --debug for the traceback)'
                       ) from e


def check_checkpoint(path: str, what: str = 'checkpoint') -> dict:
    """Load a checkpoint on the CPU, as mmengine will.

    Loading is safe (``weights_only=True``); importing :mod:`mmzsl`
    allow-lists what mmengine checkpoints hold.

    Returns:
        dict: the checkpoint.

    Raises:
        CLIError: if it is missing, or does not open as a checkpoint
            (truncated, damaged, not a checkpoint).
    """
    if not osp.isfile(path):
        raise CLIError(
            f'{what} {path} does not exist',
            'give a .pth file written by tools/train.py (e.g. '
            '<work_dir>/test_protocol/epoch_N.pth)')
    try:
        ckpt = torch.load(path, map_location='cpu', weights_only=True)
    except Exception as e:  # torch raises many types for a damaged file
        reason = (str(e).strip().splitlines() or [''])[0].split('. ')[0]
        raise CLIError(
            f'{what} {path} does not open as a checkpoint '
            f'({type(e).__name__}: {reason[:120]})',
            'the file is truncated or not a checkpoint; use a complete '
            '.pth (an interrupted copy? copy it again)') from e
    if not isinstance(ckpt, dict):
        raise CLIError(f'{what} {path} holds a {type(ckpt).__name__}, not a '
                       'checkpoint dict',
                       'give a .pth file written by tools/train.py')
    return ckpt


def checkpoint_classes(ckpt: dict) -> Optional[List[str]]:
    """The class names of a checkpoint that its head scores.

    All names of ``meta.dataset_meta['classes']``, restricted to the
    protocol's classes (seen or unseen) when the state dict has the crafted
    head's ``seen_mask`` and ``unseen_mask``. None without names.
    """
    meta = (ckpt.get('meta') or {}).get('dataset_meta') or {}
    classes = list(meta.get('classes') or [])
    state = ckpt.get('state_dict') or {}
    masks = [v for k, v in state.items()
             if k.endswith(('.seen_mask', '.unseen_mask'))]
    if len(masks) == 2 and all(len(m) == len(classes) for m in masks):
        scored = masks[0].bool() | masks[1].bool()
        classes = [c for c, keep in zip(classes, scored.tolist()) if keep]
    return classes or None


def check_class_name(name: str, classes: Sequence[str],
                     option: str = '--target-class') -> None:
    """``name`` is one of ``classes`` (or an index into them).

    Raises:
        CLIError: naming the closest class.
    """
    if name in classes or (name.isdigit() and int(name) < len(classes)):
        return
    raise CLIError(
        f'{option} {name!r} is not a class the checkpoint scores'
        f'{_close(name, classes)}',
        f'give one of its {len(classes)} class names (e.g. '
        f'{classes[0]!r}) or an index')


def check_image(path: str) -> None:
    """The file exists and decodes as an image (as mmcv decodes it).

    Raises:
        CLIError: naming the file.
    """
    import mmcv
    if not osp.isfile(path):
        raise CLIError(f'image {path} does not exist',
                       'check the path')
    with open(path, 'rb') as f:
        content = f.read()
    try:
        image = mmcv.imfrombytes(content) if content else None
    except Exception:  # a decoder error is a bad file, not a bug
        image = None
    if image is None:
        raise CLIError(f'image {path} does not decode as an image',
                       'it is damaged or not an image file; replace it')


def check_gamma(value: Optional[str]) -> Union[str, float, None]:
    """A ``--gamma``: a number, or a calibration file that holds one.

    Returns:
        float | str | None: the number, or the file's path.

    Raises:
        CLIError: for anything else.
    """
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    if not osp.isfile(value):
        raise CLIError(
            f'--gamma {value!r} is neither a number nor an existing file',
            'give a number (e.g. --gamma 0.1) or the calibration.json of a '
            'val-protocol run (<work_dir>/val_protocol/calibration.json)')
    try:
        read_gamma(value)
    except ValueError as e:
        raise CLIError(f'--gamma {value}: {e}',
                       'give the calibration.json of a val-protocol run')
    return value


def check_amp(amp: bool) -> None:
    """``--amp`` needs an accelerator (mmengine's ``AmpOptimWrapper``)."""
    from mmengine.device import get_device
    if amp and get_device() == 'cpu':
        raise CLIError(
            '--amp needs a GPU (or another accelerator) and this machine '
            'has none', 'drop --amp to train in full precision on the CPU')


def check_device(device: str) -> None:
    """A ``--device`` that exists on this machine."""
    try:
        ok = torch.device(device).type == 'cpu' or (
            torch.device(device).type == 'cuda'
            and torch.cuda.is_available())
    except RuntimeError:
        ok = False
    if not ok:
        raise CLIError(f'--device {device} is not available here',
                       'use --device cpu (or cuda on a machine with a GPU)')


def check_launcher(launcher: str) -> None:
    """The launcher's environment is there (a distributed job was started
    by its launcher), and on a CPU-only machine the launcher is
    ``pytorch``."""
    if launcher == 'none':
        return
    missing = missing_launcher_env(launcher)
    if missing:
        raise CLIError(
            f'--launcher {launcher} but {", ".join(missing)} '
            f'{"is" if len(missing) == 1 else "are"} not set',
            f'start the job with {_LAUNCHER_TOOL[launcher]}, or drop '
            '--launcher for one process')
    if launcher != 'pytorch' and not torch.cuda.is_available():
        raise CLIError(
            f'--launcher {launcher} without CUDA GPUs is not supported',
            'on CPU use tools/dist_train.sh (torchrun, --launcher pytorch)')
