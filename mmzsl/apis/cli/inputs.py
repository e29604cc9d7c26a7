"""Checks of the files and values a tool is given: config, checkpoint,
image, ``--gamma``, devices, launchers, class and module names."""
import difflib
import math
import os
import os.path as osp
from typing import List, Optional, Sequence, Union

import torch
from mmengine.config import Config

from mmzsl.utils import missing_launcher_env, read_gamma
from .errors import CLIError, close_match, listed

_LAUNCHER_TOOL = {
    'pytorch': 'tools/dist_train.sh (torchrun)',
    'slurm': 'tools/slurm_train.sh (srun)',
    'mpi': 'mpirun',
}


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
            near = close_match(osp.basename(path), os.listdir(folder))
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
        f'{close_match(name, classes)}',
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
        number = float(value)
    except ValueError:
        number = None
    if number is not None:
        if not math.isfinite(number):
            raise CLIError(
                f'--gamma {value} is not a finite number',
                'give a number (e.g. --gamma 0.1) or the calibration.json '
                'of a val-protocol run')
        return number
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


def check_module_names(model: torch.nn.Module, names: Sequence[str],
                       option: str = '--target-layers',
                       example: Optional[str] = None) -> None:
    """Every name is a dotted module name of ``model``.

    Raises:
        CLIError: naming the closest module names and the modules of the
            deepest part of the name that exists.
    """
    modules = dict(model.named_modules())
    for name in names or ():
        if name in modules:
            continue
        parts = name.split('.')
        parent = next((p for p in ('.'.join(parts[:i])
                                   for i in range(len(parts) - 1, 0, -1))
                       if p in modules), '')
        children = [f'{parent}.{c}' if parent else c
                    for c, _ in modules[parent].named_children()]
        close = difflib.get_close_matches(
            name, [m for m in modules if m], n=3, cutoff=0.6)
        near = (' (did you mean ' + ', '.join(repr(c) for c in close) +
                '?)') if close else ''
        raise CLIError(
            f'{option} {name!r} is not a layer of the model{near}; '
            f'{parent or "the model"} has: {listed(children, 12)}',
            'give dotted module names of the model' +
            (f', e.g. {example}' if example else ''))
