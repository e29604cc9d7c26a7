"""``--cfg-options`` keys that match something in the config."""
import copy
import difflib
import inspect
from typing import Optional, Sequence

from mmengine.config import Config

from .errors import CLIError, close_match, listed
from .registry import registered


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
        found = registered(node['type'])
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


def _check_option_key(cfg: dict, key: str, merged: dict,
                      shown: Optional[str] = None) -> None:
    """``key`` (dotted) reaches a key of ``cfg``, or adds one that the
    component it lands in takes (its type as in ``merged``, ``cfg`` with
    all the options: a type given with its arguments counts). ``shown``
    is the key as the user gave it, for the message."""
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
                f'--cfg-options {shown or key}: {part!r} matches nothing in '
                f'{where or "the config"}{near}',
                f'correct the key ({where or "the config"} has: '
                f'{listed(keys, 8)})')
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
    existing key. A hook is named by its type or its position
    (``custom_hooks.ChannelsLastHook.enable=False``, see
    :func:`resolve_hook_key`).

    Raises:
        CLIError: naming the key and the closest existing one.
    """
    if options:
        keys = {key: resolve_hook_key(cfg, key) for key in options}
        tree = copy.deepcopy(cfg.to_dict())
        cfg.merge_from_dict({keys[k]: v for k, v in options.items()})
        merged = cfg.to_dict()
        for key, resolved in keys.items():
            _check_option_key(tree, resolved, merged, shown=key)
    return cfg


def _hook_type(hook) -> str:
    """The type name of a hook config, without its scope."""
    kind = hook.get('type') if isinstance(hook, dict) else None
    if isinstance(kind, str):
        return kind.rpartition('.')[2]
    return getattr(kind, '__name__', str(kind))


def resolve_hook_key(cfg: Config, key: str) -> str:
    """``custom_hooks.<HookType>.<key>`` -> ``custom_hooks.<index>.<key>``.

    A hook of ``custom_hooks`` is named by its type
    (``custom_hooks.VisualPrototypeHook.ridge``), since its position
    differs between configs. Any other key, and a position
    (``custom_hooks.1.ridge``), is returned as given.

    Raises:
        CLIError: for a type that no hook of the config has, or that two
            have, naming the hook types of the config.
    """
    head, _, rest = key.partition('.')
    name, dot, tail = rest.partition('.')
    if head != 'custom_hooks' or not name.isidentifier():
        return key
    types = [_hook_type(hook) for hook in cfg.get('custom_hooks') or []]
    found = [i for i, kind in enumerate(types) if kind == name]
    if len(found) == 1:
        return f'custom_hooks.{found[0]}{dot}{tail}'
    present = ', '.join(f'{i}: {kind}' for i, kind in enumerate(types))
    present = f"the config's custom_hooks: {present or 'none'}"
    if not found:
        near = close_match(name, types)
        raise CLIError(
            f'--cfg-options {key}: no hook of type {name!r} in '
            f'custom_hooks{near} ({present})',
            'name a hook type of the config, or its position '
            '(custom_hooks.<index>.<key>)')
    raise CLIError(
        f'--cfg-options {key}: {len(found)} hooks of type {name!r} '
        f'({present})',
        f'give the position of the one to change instead, e.g. '
        f'custom_hooks.{found[0]}{dot}{tail}')
