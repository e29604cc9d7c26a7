"""Config helpers: find the parts of a config that mmzsl reads."""

__all__ = ['innermost_dataset_cfg', 'zsl_dataset_cfg']


def innermost_dataset_cfg(dataset_cfg, key: str):
    """The dataset config holding ``key``, through ``dataset`` wrappers
    (``RepeatDataset`` etc.); the innermost one if none holds it."""
    while key not in dataset_cfg and 'dataset' in dataset_cfg:
        dataset_cfg = dataset_cfg.dataset
    return dataset_cfg


def zsl_dataset_cfg(cfg, loader: str = 'train_dataloader') -> dict:
    """The ZSL dataset config of a loader (the innermost one holding
    ``split``, through ``dataset`` wrappers), as a plain dict.

    Args:
        cfg (Config): a full config.
        loader (str): ``'train_dataloader'``, ``'val_dataloader'`` or
            ``'test_dataloader'``. Defaults to ``'train_dataloader'``.
    """
    dataset = innermost_dataset_cfg(cfg[loader].dataset, 'split')
    return dataset.to_dict() if hasattr(dataset, 'to_dict') else dict(dataset)
