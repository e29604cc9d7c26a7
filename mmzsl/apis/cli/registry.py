"""Config types that name registered components, and the range of
``--gamma`` that the config's head can take."""
import inspect
import os.path as osp
from typing import List, Optional, Union

from mmengine.config import Config

from .errors import CLIError, close_match


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
            f'component{close_match(bare, names)}',
            'correct the name, or add the module that registers it to '
            'custom_imports')


def registered(name) -> Optional[list]:
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
    classes = [c for c in registered(head.get('type')) or []
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

