"""What several benchmarks share: paths, data sizes, a quiet logger and a
bare training epoch."""
import logging
import os
import os.path as osp
import time

import torch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

# ShapesZSL sizes of the accuracy, recipe and job parts ('full': as shipped)
SHAPES_SIZES = {
    'full': dict(),
    'quick': dict(image_size=32, num_classes=30, num_unseen=6, num_val=6,
                  trainval_per_class=24, test_seen_per_class=8,
                  test_unseen_per_class=12),
    'tiny': dict(image_size=16, num_classes=12, num_unseen=3, num_val=3,
                 trainval_per_class=8, test_seen_per_class=3,
                 test_unseen_per_class=4),
}


def shapes_sized(cfg, sizes: dict, data_root: str) -> None:
    """Point the loaders of ``cfg`` at ``data_root`` with ShapesZSL
    ``sizes``, the head and preprocessor following the class count."""
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[loader].dataset.update(data_root=data_root, **sizes)
    num_classes = sizes.get('num_classes', cfg.model.head.num_classes)
    cfg.model.head.num_classes = num_classes
    cfg.data_preprocessor.num_classes = num_classes


def shared_cub_root() -> str:
    """cub_real/ of the shared data folder ($MMZSL_SHARED_DATA, else
    ../shared/data next to the repository, as tests/conftest.py)."""
    shared = os.environ.get('MMZSL_SHARED_DATA') or osp.normpath(
        osp.join(REPO, '..', 'shared', 'data'))
    return osp.join(shared, 'cub_real')


def config_on_cub(config: str, cub_root: str):
    """The config at ``config`` (relative to the repository) with its data
    folder ($MMZSL_DATA) = ``cub_root``."""
    from mmengine.config import Config
    old = os.environ.get('MMZSL_DATA')
    os.environ['MMZSL_DATA'] = cub_root
    try:
        return Config.fromfile(osp.join(REPO, config))
    finally:
        if old is None:
            del os.environ['MMZSL_DATA']
        else:
            os.environ['MMZSL_DATA'] = old


def skipped(reason: str) -> dict:
    """The result of a part that cannot run here, printed with its reason."""
    print(f'  skipped: {reason}', flush=True)
    return dict(skipped=True, reason=reason)


class quiet_logger:
    """Drop mmengine's INFO records (e.g. init_weights' per-parameter
    report) inside the block."""

    def __enter__(self):
        from mmengine.logging import MMLogger
        self.logger = MMLogger.get_current_instance()
        self.level = self.logger.level
        self.logger.setLevel(logging.WARNING)

    def __exit__(self, *exc):
        self.logger.setLevel(self.level)


def train_epoch(model, loader, optim_wrapper, device: str) -> float:
    """One epoch as mmengine's EpochBasedTrainLoop runs it, without hooks."""
    model.train()
    start = time.perf_counter()
    for data in loader:
        model.train_step(data, optim_wrapper)
    if device == 'cuda':
        torch.cuda.synchronize()
    return time.perf_counter() - start
