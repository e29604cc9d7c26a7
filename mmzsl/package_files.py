"""Where the installed mmzsl keeps its configs, tools and model index.

An installed mmzsl has them in ``mmzsl/.mim`` (mmpretrain's layout: copies
in a wheel, links to the clone in an editable install, see setup.py); a
clone put on ``PYTHONPATH`` without installing has them beside the package.
"""
import os.path as osp
from typing import List

PACKAGE_DIR = osp.dirname(osp.abspath(__file__))


def files_root() -> str:
    """The folder holding ``configs/``, ``tools/`` and ``model-index.yml``:
    ``mmzsl/.mim`` when installed, else the clone's root."""
    mim_dir = osp.join(PACKAGE_DIR, '.mim')
    if osp.isdir(osp.join(mim_dir, 'configs')):
        return mim_dir
    return osp.dirname(PACKAGE_DIR)


def _config_names(configs_dir: str) -> List[str]:
    import glob
    return sorted(
        osp.relpath(p, configs_dir)
        for p in glob.glob(osp.join(configs_dir, '*', '*.py'))
        if not osp.relpath(p, configs_dir).startswith('_base_'))


def get_config_path(name: str) -> str:
    """The absolute path of one of mmzsl's configs, wherever pip put it.

    Use it in your own config's ``_base_`` (mmengine evaluates that line
    alone, before the rest of the file, so ``mmzsl`` is imported there)::

        _base_ = [__import__('mmzsl').get_config_path(
            'crafting/resnet18_shapes_semantic.py')]

    Args:
        name (str): the path under ``configs/``, e.g.
            ``'crafting/resnet18_shapes_semantic.py'`` (``.py`` may be left
            out), or a config's bare name such as
            ``'resnet18_shapes_semantic'`` (searched in every folder of
            ``configs/`` but ``_base_``).

    Returns:
        str: the config file's absolute path.
    """
    configs_dir = osp.join(files_root(), 'configs')
    if not name.endswith('.py'):
        name += '.py'
    path = osp.join(configs_dir, name)
    if osp.isfile(path):
        return osp.realpath(path)
    if '/' not in name:
        found = [n for n in _config_names(configs_dir)
                 if osp.basename(n) == name]
        if len(found) == 1:
            return osp.realpath(osp.join(configs_dir, found[0]))
    raise FileNotFoundError(
        f'mmzsl has no config {name!r} in {configs_dir}; its configs are '
        f'{", ".join(_config_names(configs_dir))}.')

