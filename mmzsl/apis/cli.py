"""Argument checks shared by the command-line tools.

A tool checks its inputs before it builds a Runner, a work dir or a model,
so that bad input costs seconds, not a training. A bad input raises
:class:`CLIError`; :func:`run_cli` prints it as one line::

    error: <what is wrong> — <how to fix it>

and exits with status 2. ``--debug`` (see :func:`add_debug_flag`) shows the
full traceback instead. Other exceptions are bugs and keep their traceback.
"""
import argparse
import copy
import difflib
import inspect
import math
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
    'checkpoint_classes', 'check_work_dir', 'check_earlier_job',
    'check_test_work_dir', 'check_gamma_range', 'merge_cfg_options',
    'check_module_names'
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


# ----------------------------------------------------------------------
# Work dirs: never a file, never a finished job replaced unasked
# ----------------------------------------------------------------------
def check_work_dir(work_dir: str, option: str = '--work-dir') -> None:
    """``work_dir`` is a folder, or a path whose first existing part is.

    Raises:
        CLIError: if it (or a folder on its path) is a file.
    """
    path = probe = osp.abspath(work_dir)
    while not osp.exists(probe) and osp.dirname(probe) != probe:
        probe = osp.dirname(probe)
    if osp.isdir(probe):
        return
    what = (f'{option} {work_dir} is a file' if probe == path else
            f'{option} {work_dir}: {probe} is a file, not a folder')
    raise CLIError(what, 'give a folder (or a path that does not exist '
                   'yet) for the logs, checkpoints and results')


def _listed(files: Sequence[str], n: int = 3) -> str:
    return ', '.join(files[:n]) + (', …' if len(files) > n else '')


def check_earlier_job(work_dir: str, protocols: Sequence[str],
                      resume: Union[None, str], overwrite: bool
                      ) -> List[str]:
    """What ``tools/train.py`` finds of an earlier job in ``work_dir``.

    Without ``--resume`` or ``--overwrite`` a run refuses to write into a
    work dir that holds a finished job (its results would be replaced) or
    the checkpoints of an unfinished one (its ``epoch_N.pth`` would be
    mixed with the new run's). ``--resume`` without a checkpoint refuses
    when there is nothing to resume.

    Args:
        work_dir (str): the run's work dir.
        protocols (Sequence[str]): the protocols the run trains.
        resume (str, optional): ``--resume``: None, ``'auto'`` (no value)
            or a checkpoint path.
        overwrite (bool): ``--overwrite``.

    Returns:
        list[str]: with ``overwrite``, the earlier job's files (relative
        to ``work_dir``) to remove before training; else empty.

    Raises:
        CLIError: as described above.
    """
    from .work_dir import job_files, job_is_finished
    if overwrite and resume is not None:
        raise CLIError('--overwrite with --resume',
                       'keep one: --resume continues the job in the work '
                       'dir, --overwrite replaces it')
    files = job_files(work_dir, protocols)
    if resume == 'auto':
        if not [f for f in files if osp.dirname(f)]:
            dirs = ' or '.join(f'{p}_protocol/' for p in protocols)
            raise CLIError(
                f'--resume but {work_dir} holds no checkpoint of {dirs} to '
                'resume',
                'drop --resume to start a new training there, or give the '
                '--work-dir of the run to resume')
        return []
    if not files or resume is not None:
        return []
    if overwrite:
        return files
    if job_is_finished(files):
        raise CLIError(
            f'{work_dir} holds a finished job ({_listed(files)}) that this '
            'run would replace',
            'add --resume to keep it (finished protocols are not trained '
            'again), give a new --work-dir, or add --overwrite to replace '
            'it')
    raise CLIError(
        f'{work_dir} holds the checkpoints of an unfinished job '
        f'({_listed(files)})',
        'add --resume to continue it, give a new --work-dir, or add '
        '--overwrite to start again')


def check_test_work_dir(work_dir: str, default: str) -> None:
    """A ``tools/test.py --work-dir`` that holds no training job (the test
    writes ``zsl_results.json``, ``zsl_curve.png`` and its config there).

    Args:
        work_dir (str): the folder given with ``--work-dir``.
        default (str): where the results go without ``--work-dir``.

    Raises:
        CLIError: if it is a file or holds a training job's files.
    """
    from .work_dir import training_job_files
    check_work_dir(work_dir)
    files = training_job_files(work_dir)
    if files:
        raise CLIError(
            f'--work-dir {work_dir} holds a training job '
            f'({_listed(files)}) whose files the test would write over',
            f'leave --work-dir out (the results then go to {default}) or '
            'give another folder')


# ----------------------------------------------------------------------
# --gamma on the scale of the scores
# ----------------------------------------------------------------------
def _registered(name) -> Optional[list]:
    """The registered objects called ``name`` (a type of a config), or
    None for an import path or an object mmengine builds as given."""
    if not isinstance(name, str):
        return [name] if callable(name) else None
    scope, _, bare = name.rpartition('.')
    registries = _registries()
    if scope and scope not in {reg.scope for reg in registries}:
        return None  # an import path
    found = []
    for reg in registries:
        reg.import_from_location()
        if bare in reg.module_dict:
            found.append(reg.module_dict[bare])
    return found or None


def check_gamma_range(gamma: Union[str, float, None], cfg: Config) -> None:
    """A ``--gamma`` number that can calibrate the config's head.

    The crafted heads score with probabilities (a softmax, or the mean of
    two), so calibrated stacking needs ``-1 < gamma < 1``: at ``gamma <= -1``
    every image gets a seen class (U = 0), at ``gamma >= 1`` an unseen one.
    The baselines' heads (:class:`~mmzsl.models.CompatibilityHead`) score
    with raw compatibilities: any finite number. A calibration file holds
    a gamma chosen on validation classes and is not checked.

    Raises:
        CLIError: for a number outside the range.
    """
    if not isinstance(gamma, float):
        return
    from mmzsl.models.heads.compatibility_head import CompatibilityHead
    from mmzsl.models.heads.crafted_head import CraftedClsHead
    head = (cfg.get('model') or {}).get('head') or {}
    classes = [c for c in _registered(head.get('type')) or []
               if inspect.isclass(c)]
    probabilities = classes and all(
        issubclass(c, CraftedClsHead) and not issubclass(c, CompatibilityHead)
        for c in classes)
    if not probabilities or -1 < gamma < 1:
        return
    raise CLIError(
        f'--gamma {gamma:g} is outside (-1, 1), the range of '
        f'{head["type"]}\'s probability scores: every image would get '
        f'{"a seen" if gamma <= -1 else "an unseen"} class',
        'give a number in (-1, 1), or the calibration.json of a '
        'val-protocol run (the gamma chosen on validation classes)')


# ----------------------------------------------------------------------
# --cfg-options keys that match something
# ----------------------------------------------------------------------
def _init_params(obj) -> Optional[set]:
    """The keyword arguments a registered class or function takes, or None
    when they cannot be known (``**kwargs`` that reach no signature)."""
    if not inspect.isclass(obj):
        try:
            params = inspect.signature(obj).parameters.values()
        except (TypeError, ValueError):
            return None
        if any(p.kind == p.VAR_KEYWORD for p in params):
            return None
        return {p.name for p in params}
    names = set()
    for klass in obj.__mro__:
        if klass is object:
            return None
        if '__init__' not in vars(klass):
            continue
        try:
            params = inspect.signature(klass.__init__).parameters.values()
        except (TypeError, ValueError):
            return None
        names |= {p.name for p in params
                  if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
        if not any(p.kind == p.VAR_KEYWORD for p in params):
            return names - {'self'}
    return None


def _accepted_keys(path: str, node: dict) -> Optional[set]:
    """The keys the component at ``path`` (a config dict) can take, or
    None where they cannot be known."""
    from mmengine import runner as loops
    from torch.utils.data import DataLoader
    if 'type' in node:
        found = _registered(node['type'])
        if not found:
            return None
        accepted = {'type', '_scope_'}
        for obj in found:
            params = _init_params(obj)
            if params is None:
                return None
            accepted |= params
        if path == 'optim_wrapper':  # popped by the optimizer constructor
            accepted |= {'constructor', 'paramwise_cfg'}
        return accepted
    if path == 'train_cfg':  # mmengine's loop by by_epoch
        loop = (loops.EpochBasedTrainLoop if node.get('by_epoch', True)
                else loops.IterBasedTrainLoop)
        return _init_params(loop) - {'runner', 'dataloader'} | {'by_epoch'}
    if path in ('val_cfg', 'test_cfg'):
        loop = loops.ValLoop if path == 'val_cfg' else loops.TestLoop
        return _init_params(loop) - {'runner', 'dataloader', 'evaluator'}
    if path in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        return set(inspect.signature(DataLoader).parameters) | {
            'dataset', 'sampler', 'batch_sampler', 'collate_fn',
            'worker_init_fn'}
    return None


def _node(tree, path: Sequence[str]):
    """The value at ``path`` in a config tree, or None."""
    for part in path:
        if isinstance(tree, dict):
            tree = tree.get(part)
        elif isinstance(tree, (list, tuple)) and part.isdigit() and int(
                part) < len(tree):
            tree = tree[int(part)]
        else:
            return None
    return tree


def _check_option_key(cfg: dict, key: str, merged: dict) -> None:
    """``key`` (dotted) reaches a key of ``cfg``, or adds one that the
    component it lands in takes (its type as in ``merged``, ``cfg`` with
    all the options: a type given with its arguments counts)."""
    from mmengine.runner import Runner
    node, path = cfg, []
    for part in key.split('.'):
        if isinstance(node, (list, tuple)):
            if not (part.isdigit() and int(part) < len(node)):
                return  # mmengine's own message
            node = node[int(part)]
        elif not isinstance(node, dict):
            return  # replaces a value: mmengine's own message
        elif part in node:
            node = node[part]
        else:
            where = '.'.join(path)
            target = _node(merged, path)
            accepted = _accepted_keys(
                where, target if isinstance(target, dict) else node)
            if accepted is not None and part in accepted:
                return
            choices = set(node) | (accepted or set())
            if not where:  # the Runner's own top-level keys
                choices |= set(inspect.signature(Runner).parameters)
                if part in choices:
                    return
            if accepted is None and not difflib.get_close_matches(
                    part, choices, n=1, cutoff=0.8):
                return  # a new key of unknown use: left to mmengine
            match = difflib.get_close_matches(part, choices, n=1,
                                              cutoff=0.6)
            prefix = f'{where}.' if where else ''
            near = f" (did you mean '{prefix}{match[0]}'?)" if match else ''
            keys = sorted(k for k in node if isinstance(k, str))
            raise CLIError(
                f'--cfg-options {key}: {part!r} matches nothing in '
                f'{where or "the config"}{near}',
                f'correct the key ({where or "the config"} has: '
                f'{_listed(keys, 8)})')
        path.append(part)


def merge_cfg_options(cfg: Config, options: Optional[dict]) -> Config:
    """Merge ``--cfg-options`` into ``cfg`` after checking their keys.

    A key must reach a key of the config, or add one that the component
    it lands in takes (a constructor argument of its ``type``, of
    mmengine's loops and data loaders). A typo such as
    ``train_cfg.max_epoch=1`` is refused before anything is built, naming
    the closest key, instead of failing later with a ``TypeError``. A new
    key whose component's arguments cannot be known (a ``**kwargs``) is
    merged as mmengine would, unless it is one letter away from an
    existing key.

    Raises:
        CLIError: naming the key and the closest existing one.
    """
    if options:
        tree = copy.deepcopy(cfg.to_dict())
        cfg.merge_from_dict(options)
        merged = cfg.to_dict()
        for key in options:
            _check_option_key(tree, key, merged)
    return cfg


# ----------------------------------------------------------------------
# Module names (vis_cam's --target-layers)
# ----------------------------------------------------------------------
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
            f'{parent or "the model"} has: {_listed(children, 12)}',
            'give dotted module names of the model' +
            (f', e.g. {example}' if example else ''))
