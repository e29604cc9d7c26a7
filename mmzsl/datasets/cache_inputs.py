"""The images a feature cache or a stage cache is built from: the image
datasets that cover a benchmark, their identity in the cache key, and the
loop that feeds them through a network's data preprocessor."""
import copy
import json
import os
import os.path as osp
from typing import Iterator, List, Sequence, Tuple

import torch
from mmengine.dataset import pseudo_collate
from mmengine.utils import ProgressBar
from torch.utils.data import ConcatDataset, DataLoader

from mmpretrain.registry import DATASETS

__all__ = [
    'COVER_SPLITS', 'cover_datasets', 'image_identity', 'key_json',
    'file_stamp', 'preprocessed_batches'
]

#: The splits whose images cover every image of a benchmark (or subset).
COVER_SPLITS = ('trainval', 'test')


def key_json(obj) -> str:
    """The text a cache key hashes: sorted keys, anything else as str."""
    return json.dumps(obj, sort_keys=True, default=str)


def image_identity(datasets: Sequence) -> List[Tuple[str, int]]:
    """(path relative to data_root, size) of every image, in row order."""
    out = []
    for ds in datasets:
        for i in range(len(ds)):
            path = ds.get_data_info(i)['img_path']
            out.append((osp.relpath(path, ds.data_root),
                        os.stat(path).st_size))
    return out


def cover_datasets(feature_dataset, images: dict,
                   pipeline: Sequence[dict]) -> list:
    """The image datasets whose samples are every image the feature dataset
    can need: trainval and test of its benchmark (restricted to its
    ``class_subset``), whatever its own split."""
    out = []
    for split in COVER_SPLITS:
        cfg = copy.deepcopy(images)
        cfg.update(
            split_root=feature_dataset.split_root,
            split=split,
            class_subset=feature_dataset.class_subset,
            class_embedding=feature_dataset.class_embedding,
            class_embedding_key=feature_dataset.class_embedding_key,
            class_embedding_layout=feature_dataset.class_embedding_layout,
            pipeline=list(pipeline))
        out.append(DATASETS.build(cfg))
    return out


def file_stamp(path: str) -> tuple:
    """(real path, size, mtime) of a file: a cache checked whole once per
    process is trusted while this stays the same."""
    stat = os.stat(path)
    return (osp.realpath(path), stat.st_size, stat.st_mtime_ns)


def preprocessed_batches(data_preprocessor: torch.nn.Module,
                         datasets: Sequence,
                         batch_size: int,
                         num_workers: int,
                         progress_file=None) -> Iterator[torch.Tensor]:
    """The images of ``datasets`` in row order, batch by batch through the
    network's data preprocessor, with a progress bar over them.

    Args:
        data_preprocessor (torch.nn.Module): the network's
            ``ClsDataPreprocessor``.
        datasets (Sequence): image datasets of one benchmark (their
            ``split_rows`` are the rows of their samples).
        batch_size (int): images per batch.
        num_workers (int): data loader workers.
        progress_file (file, optional): where the progress bar goes.
            Defaults to stdout.

    Yields:
        torch.Tensor: the ``(B, 3, H, W)`` inputs of a batch; the bar moves
        on when the next one is asked for.
    """
    loader = DataLoader(
        ConcatDataset(datasets),
        batch_size=batch_size,
        num_workers=num_workers,
        shuffle=False,
        collate_fn=pseudo_collate)
    bar = ProgressBar(
        sum(len(ds.split_rows) for ds in datasets),
        **({} if progress_file is None else {'file': progress_file}))
    for data in loader:
        inputs = data_preprocessor(data, False)['inputs']
        yield inputs
        bar.update(len(inputs))
