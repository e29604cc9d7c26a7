"""The ``ShapesZSL`` dataset: its parameters, classes and splits over the
cache folder (:mod:`.cache`) of rendered images (:mod:`.render`)."""
import hashlib
import json
import os.path as osp
from typing import List, Optional, Sequence

import numpy as np
from mmengine.logging import MMLogger

from mmpretrain.datasets import BaseDataset
from mmpretrain.registry import DATASETS
from ..splits import VAL_PROTOCOL_SPLITS, check_split, default_test_mode
from .cache import (FORMAT_VERSION, DamagedCacheError, discard_cache,
                    generate_cache, validate_cache)
from .classes import (ATTRIBUTE_NAMES, COLOURS, PATTERNS, SHAPES,
                      attribute_values, class_embedding, class_name,
                      draw_classes)


@DATASETS.register_module()
class ShapesZSL(BaseDataset):
    """Synthetic zero-shot benchmark of coloured, patterned shapes.

    A class is one combination of a shape (circle, square, triangle, star,
    cross, crescent), a colour (red, green, blue, yellow, magenta, cyan) and a
    surface pattern (solid, stripes, dots, checker), named like
    ``red_striped_circle``. ``num_classes`` combinations are drawn from
    ``seed``; ``num_unseen`` of them are test-unseen classes, the others are
    seen (trainval) classes, among which ``num_val`` are the validation
    classes (pseudo-unseen) of the val protocol and the rest the train
    classes. Every attribute value of a test-unseen class occurs in some
    trainval class, and every attribute value of a validation class in some
    train class.

    Class embeddings (``dataset.class_embeddings``, ``C x K``, ``K = 20``):
    the one-hot codes of the three attribute groups (6 + 6 + 4), then the
    number of corners / 12, the hue as ``0.5 * (cos, sin)`` and the pattern
    frequency; each row L2-normalised.

    Images are rendered with PIL, with random position, size, rotation,
    background (dull colour or gradient) and pixel noise, each from its own
    random stream, and written once as PNG files (with their binary object
    masks) into a cache folder under ``data_root`` whose name is a hash of
    every generation parameter: ``<data_root>/shapes_zsl-<hash>/`` holding
    ``images/<class>/<class>_<n>.png`` (file names unique across classes, so
    that tools which name outputs after them, e.g. ``tools/test.py
    --show-dir``, do not overwrite), ``masks/<class>/<class>_<n>.png``,
    ``meta.json`` and ``manifest.json`` (the sha256 of every image and
    mask). The folder is generated in a temporary sibling folder and renamed
    into place when complete, so concurrent processes (e.g. DDP ranks) are
    safe. The same parameters always give byte-identical files. Every build
    checks the files against the manifest; a damaged cache (a changed,
    truncated or missing file) is regenerated before any training starts.

    Splits (``gt_label`` is always the index into all ``C`` classes):

    - test protocol (``metainfo['seen_ids']`` = trainval classes,
      ``metainfo['unseen_ids']`` = test-unseen classes): ``'trainval'``
      (the trainval images of the seen classes), ``'test_seen'``,
      ``'test_unseen'`` and ``'test'`` (both).
    - val protocol (``seen_ids`` = train classes, ``unseen_ids`` =
      validation classes), built from trainval images only: ``'train'``
      (the first ``round((1 - val_fraction) * trainval_per_class)`` trainval
      images of every train class) and ``'val'`` (the other trainval images
      of the train classes plus all trainval images of the validation
      classes).

    Args:
        data_root (str): Folder that holds the generated cache folders.
            Defaults to ``'data/shapes_zsl'``.
        split (str): One of ``'trainval'``, ``'test_seen'``,
            ``'test_unseen'``, ``'test'``, ``'train'``, ``'val'``.
            Defaults to ``'trainval'``.
        seed (int): Seed of the class draw, the class roles and the images.
            Defaults to 0.
        image_size (int): Side of the square images, in pixels.
            Defaults to 32.
        num_classes (int): Number of classes ``C`` (at most 144).
            Defaults to 50.
        num_unseen (int): Number of test-unseen classes. Defaults to 10.
        num_val (int): Number of validation classes, taken from the seen
            classes. Defaults to 10.
        trainval_per_class (int): Trainval images per seen class.
            Defaults to 72.
        test_seen_per_class (int): Test-seen images per seen class.
            Defaults to 18.
        test_unseen_per_class (int): Images per test-unseen class.
            Defaults to 36.
        val_fraction (float): Share of a train class's trainval images held
            out for ``'val'``; not a generation parameter (it does not change
            the cache). Defaults to 0.2.
        with_mask (bool): Add ``mask_path`` (a PNG, 0 = background,
            255 = object) to every data info. Defaults to False.
        pipeline (Sequence): Processing pipeline. Defaults to ``()``.
        test_mode (bool, optional): Defaults to ``None``: False for
            ``'trainval'`` and ``'train'``, True otherwise.
        lazy_init (bool): Do not generate/read the cache at construction.
            ``class_embeddings`` and ``metainfo`` are available anyway.
            Defaults to False.
        **kwargs: Other arguments of
            :class:`mmpretrain.datasets.BaseDataset`.

    Examples:
        >>> import mmzsl  # registers ShapesZSL
        >>> from mmpretrain.registry import DATASETS
        >>> train = DATASETS.build(dict(
        ...     type='ShapesZSL', data_root='data/shapes_zsl', split='train'))
        >>> len(train.metainfo['classes']), train.class_embeddings.shape
        (50, (50, 20))
        >>> train[0]['gt_label'] in train.metainfo['seen_ids']
        True
    """

    def __init__(self,
                 data_root: str = 'data/shapes_zsl',
                 split: str = 'trainval',
                 *,
                 seed: int = 0,
                 image_size: int = 32,
                 num_classes: int = 50,
                 num_unseen: int = 10,
                 num_val: int = 10,
                 trainval_per_class: int = 72,
                 test_seen_per_class: int = 18,
                 test_unseen_per_class: int = 36,
                 val_fraction: float = 0.2,
                 with_mask: bool = False,
                 pipeline: Sequence = (),
                 test_mode: Optional[bool] = None,
                 lazy_init: bool = False,
                 **kwargs):
        check_split(split, 'ShapesZSL')
        self.split = split
        self.with_mask = with_mask
        self.val_fraction = float(val_fraction)
        self._params = self._check_params(
            seed=seed,
            image_size=image_size,
            num_classes=num_classes,
            num_unseen=num_unseen,
            num_val=num_val,
            trainval_per_class=trainval_per_class,
            test_seen_per_class=test_seen_per_class,
            test_unseen_per_class=test_unseen_per_class)
        self._num_train_images = self._train_images(
            trainval_per_class, val_fraction)
        self._define_classes()
        digest = hashlib.sha256(
            json.dumps(self._params_record(),
                       sort_keys=True).encode()).hexdigest()[:12]
        self.cache_dir = osp.join(data_root, f'shapes_zsl-{digest}')

        if split in VAL_PROTOCOL_SPLITS:
            seen, unseen = self._roles['train'], self._roles['val']
        else:
            seen, unseen = self._roles['trainval'], self._roles['test_unseen']
        metainfo = dict(kwargs.pop('metainfo', None) or {})
        metainfo.update(
            classes=tuple(self._names),
            seen_ids=tuple(seen),
            unseen_ids=tuple(unseen))
        super().__init__(
            ann_file='',
            metainfo=metainfo,
            data_root=data_root,
            pipeline=pipeline,
            test_mode=default_test_mode(split, test_mode),
            lazy_init=lazy_init,
            **kwargs)

    @property
    def class_embeddings(self) -> np.ndarray:
        """np.ndarray: float32 ``(C, K)`` class embeddings, row ``c`` =
        class ``c`` (a copy). Rows of classes outside the split's protocol
        (the test classes in the val protocol) are zero, as in the xlsa17
        datasets: a val-protocol run never receives them."""
        table = self._embeddings.copy()
        meta = self.metainfo
        outside = np.ones(len(table), bool)
        outside[list(meta['seen_ids']) + list(meta['unseen_ids'])] = False
        table[outside] = 0
        return table

    # ------------------------------------------------------------------
    # Class definitions (cheap; no image is rendered)
    # ------------------------------------------------------------------
    @staticmethod
    def _check_params(**params) -> dict:
        params = {k: int(v) for k, v in params.items()}
        max_classes = len(SHAPES) * len(COLOURS) * len(PATTERNS)
        if params['seed'] < 0:
            raise ValueError(
                f'ShapesZSL: seed={params["seed"]} must be >= 0.')
        if params['image_size'] < 8:
            raise ValueError(f'ShapesZSL: image_size={params["image_size"]} '
                             'must be >= 8.')
        if not 2 <= params['num_classes'] <= max_classes:
            raise ValueError(
                f'ShapesZSL: num_classes={params["num_classes"]} must be in '
                f'[2, {max_classes}] (there are {max_classes} attribute '
                'combinations).')
        if not 1 <= params['num_unseen'] < params['num_classes']:
            raise ValueError(
                f'ShapesZSL: num_unseen={params["num_unseen"]} must be in '
                f'[1, num_classes={params["num_classes"]}).')
        num_seen = params['num_classes'] - params['num_unseen']
        if not 0 <= params['num_val'] < num_seen:
            raise ValueError(
                f'ShapesZSL: num_val={params["num_val"]} must be in [0, '
                f'{num_seen}) (num_classes - num_unseen seen classes, at '
                'least one of them a train class).')
        for key in ('trainval_per_class', 'test_seen_per_class',
                    'test_unseen_per_class'):
            if params[key] < 1:
                raise ValueError(
                    f'ShapesZSL: {key}={params[key]} must be >= 1.')
        return params

    @staticmethod
    def _train_images(trainval_per_class: int, val_fraction: float) -> int:
        """Trainval images of a train class that go to ``'train'``."""
        if not 0 <= float(val_fraction) < 1:
            raise ValueError(f'ShapesZSL: val_fraction={val_fraction} must '
                             'be in [0, 1).')
        num = int(round(trainval_per_class * (1 - float(val_fraction))))
        if num < 1:
            raise ValueError(
                f'ShapesZSL: val_fraction={val_fraction} leaves no train '
                f'image out of trainval_per_class={trainval_per_class}.')
        return num

    def _params_record(self) -> dict:
        return dict(format_version=FORMAT_VERSION, **self._params)

    def _define_classes(self) -> None:
        """Draw the classes and their roles, and build the embeddings."""
        combos, self._roles = draw_classes(self._params)
        self._combos = combos
        self._names = [class_name(combo) for combo in combos]
        self._embeddings = np.stack([class_embedding(c) for c in combos])

    def _image_records(self) -> List[dict]:
        """Every image of the benchmark, by class then index."""
        p = self._params
        records = []
        unseen = set(self._roles['test_unseen'])
        for label, name in enumerate(self._names):
            if label in unseen:
                tags = ['test_unseen'] * p['test_unseen_per_class']
            else:
                tags = (['trainval'] * p['trainval_per_class'] +
                        ['test_seen'] * p['test_seen_per_class'])
            for index, tag in enumerate(tags):
                records.append(
                    dict(
                        img_path=f'images/{name}/{name}_{index:04d}.png',
                        mask_path=f'masks/{name}/{name}_{index:04d}.png',
                        gt_label=label,
                        index=index,
                        split=tag))
        return records

    def _meta(self) -> dict:
        return dict(
            parameters=self._params_record(),
            classes=list(self._names),
            attributes=[
                dict(attribute_values(combo)) for combo in self._combos
            ],
            attribute_names=list(ATTRIBUTE_NAMES),
            class_embeddings=self._embeddings.tolist(),
            roles={k: list(v)
                   for k, v in self._roles.items()},
            images=self._image_records())

    # ------------------------------------------------------------------
    # Cache
    # ------------------------------------------------------------------
    # ------------------------------------------------------------------
    # Cache
    # ------------------------------------------------------------------
    def _generate(self) -> None:
        """Render everything into a temporary sibling folder, then rename it
        into ``self.cache_dir``."""
        generate_cache(self.cache_dir, self._meta(), self._combos)

    def _discard_cache(self) -> None:
        discard_cache(self.cache_dir)

    def _validate_cache(self) -> List[dict]:
        """Check the cache folder against the parameters; return the image
        records."""
        return validate_cache(self.cache_dir, self._meta(), self._embeddings)

    def _records(self) -> List[dict]:
        """Generate the cache if needed, check it (regenerating a damaged
        one), and return its image records."""
        if not osp.isdir(self.cache_dir):
            self._generate()
        try:
            return self._validate_cache()
        except DamagedCacheError as e:
            MMLogger.get_current_instance().warning(
                f'ShapesZSL: the cache folder {self.cache_dir} is damaged '
                f'({e.reason}); regenerating it.')
            self._discard_cache()
            self._generate()
            return self._validate_cache()

    def _in_split(self, record: dict, train: set, val: set) -> bool:
        """Whether an image record belongs to ``self.split`` (``train`` and
        ``val``: the classes of these roles)."""
        tag, label = record['split'], record['gt_label']
        num_train = self._num_train_images
        if self.split == 'test':
            return tag in ('test_seen', 'test_unseen')
        if self.split == 'train':
            return (tag == 'trainval' and label in train
                    and record['index'] < num_train)
        if self.split == 'val':
            return tag == 'trainval' and (
                label in val or
                (label in train and record['index'] >= num_train))
        return tag == self.split

    def load_data_list(self) -> List[dict]:
        """Generate the cache if needed, check it (regenerating a damaged
        one), and list the images of ``self.split``."""
        train, val = set(self._roles['train']), set(self._roles['val'])
        data_list = []
        for r in self._records():
            if not self._in_split(r, train, val):
                continue
            info = dict(
                img_path=osp.join(self.cache_dir, r['img_path']),
                gt_label=int(r['gt_label']))
            if self.with_mask:
                info['mask_path'] = osp.join(self.cache_dir, r['mask_path'])
            data_list.append(info)
        return data_list

    def extra_repr(self) -> List[str]:
        """The extra repr information of the dataset."""
        return [
            f'Split: \t{self.split}',
            f'Cache folder: \t{self.cache_dir}',
            f'Seen / unseen classes: \t{len(self._metainfo["seen_ids"])} / '
            f'{len(self._metainfo["unseen_ids"])}',
        ]