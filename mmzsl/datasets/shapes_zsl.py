"""``ShapesZSL``: a synthetic zero-shot benchmark generated on the fly.

Every class is one combination of three attributes (shape, colour, surface
pattern); the images are rendered procedurally with PIL from a seed, with
nuisances (position, size, rotation, background, pixel noise) drawn per
image. Unseen classes are built only from attribute values that seen classes
also show, so a zero-shot learner can compose them.
"""
import hashlib
import io
import json
import math
import os
import os.path as osp
import shutil
import time
import uuid
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmengine.logging import MMLogger
from PIL import Image, ImageDraw

from mmpretrain.datasets import BaseDataset
from mmpretrain.registry import DATASETS
from mmzsl.utils.fileio import atomic_open

from .splits import VAL_PROTOCOL_SPLITS, check_split, default_test_mode

#: Bumped whenever the rendering or the cache layout changes, so that a cache
#: written by another version is never reused.
FORMAT_VERSION = 4
#: sha256 of every image and mask, by path relative to the cache folder
MANIFEST_FILE = 'manifest.json'

SHAPES = ('circle', 'square', 'triangle', 'star', 'cross', 'crescent')
COLOURS = ('red', 'green', 'blue', 'yellow', 'magenta', 'cyan')
PATTERNS = ('solid', 'stripes', 'dots', 'checker')
ATTRIBUTE_GROUPS = (('shape', SHAPES), ('colour', COLOURS),
                    ('pattern', PATTERNS))

# Adjectives used in class names, e.g. ``red_striped_circle``.
_PATTERN_ADJECTIVES = {
    'solid': 'solid',
    'stripes': 'striped',
    'dots': 'dotted',
    'checker': 'checkered',
}
# Continuous attributes (appended after the one-hot groups).
_NUM_CORNERS = {
    'circle': 0,
    'square': 4,
    'triangle': 3,
    'star': 10,
    'cross': 12,
    'crescent': 2,
}
_HUE_DEGREES = {
    'red': 0,
    'yellow': 60,
    'green': 120,
    'cyan': 180,
    'blue': 240,
    'magenta': 300,
}
_PATTERN_FREQUENCY = {'solid': 0.0, 'stripes': 0.5, 'dots': 0.75,
                      'checker': 1.0}
_RGB = {
    'red': (220, 40, 40),
    'green': (40, 180, 60),
    'blue': (50, 70, 220),
    'yellow': (230, 210, 40),
    'magenta': (210, 50, 200),
    'cyan': (40, 200, 210),
}

ATTRIBUTE_NAMES = tuple(
    [f'{group}:{value}' for group, values in ATTRIBUTE_GROUPS
     for value in values] +
    ['num_corners', 'hue_cos', 'hue_sin', 'pattern_frequency'])


# Super-sampling factor of the renderer (anti-aliasing).
_SUPERSAMPLE = 2


def _class_name(combo: Tuple[int, int, int]) -> str:
    shape, colour, pattern = combo
    return (f'{COLOURS[colour]}_{_PATTERN_ADJECTIVES[PATTERNS[pattern]]}_'
            f'{SHAPES[shape]}')


def _class_embedding(combo: Tuple[int, int, int]) -> np.ndarray:
    """Concatenated one-hot groups + continuous attributes, L2-normalised."""
    shape, colour, pattern = combo
    one_hot = np.zeros(len(SHAPES) + len(COLOURS) + len(PATTERNS))
    one_hot[shape] = 1
    one_hot[len(SHAPES) + colour] = 1
    one_hot[len(SHAPES) + len(COLOURS) + pattern] = 1
    hue = math.radians(_HUE_DEGREES[COLOURS[colour]])
    continuous = np.array([
        _NUM_CORNERS[SHAPES[shape]] / 12,
        0.5 * math.cos(hue),
        0.5 * math.sin(hue),
        _PATTERN_FREQUENCY[PATTERNS[pattern]],
    ])
    row = np.concatenate([one_hot, continuous])
    return (row / np.linalg.norm(row)).astype(np.float32)


def _attribute_values(combo: Tuple[int, int, int]) -> List[Tuple[str, str]]:
    return [(group, values[i])
            for (group, values), i in zip(ATTRIBUTE_GROUPS, combo)]


def _hold_out(rng: np.random.Generator, combos: Sequence[Tuple[int, int,
                                                               int]],
              pool: Sequence[int], num: int) -> Tuple[List[int], tuple]:
    """Greedily pick ``num`` classes of ``pool`` (in a random order) whose
    every attribute value also occurs in a class of ``pool`` that is not
    picked.

    Returns:
        tuple: ``(held, blocking)``: the sorted picked classes (fewer than
        ``num`` on failure) and, on failure, ``((group, value), class_name)``
        of a rejected class.
    """
    counts: Dict[Tuple[str, str], int] = {}
    for c in pool:
        for value in _attribute_values(combos[c]):
            counts[value] = counts.get(value, 0) + 1
    held: List[int] = []
    held_values: set = set()
    blocking = None
    for c in rng.permutation(np.asarray(pool)).tolist():
        if len(held) == num:
            break
        values = _attribute_values(combos[c])
        for value in values:
            counts[value] -= 1
        uncovered = [v for v in held_values.union(values) if counts[v] == 0]
        if uncovered:
            for value in values:
                counts[value] += 1
            blocking = blocking or (min(uncovered), _class_name(combos[c]))
            continue
        held.append(c)
        held_values.update(values)
    return sorted(held), blocking


def _render(seed: int, combo: Tuple[int, int, int], index: int,
            image_size: int) -> Tuple[np.ndarray, np.ndarray]:
    """Render image ``index`` of class ``combo``.

    Returns:
        tuple: ``(image, mask)``: uint8 arrays of shape ``(S, S, 3)`` and
        ``(S, S)`` (values 0 or 255).
    """
    # One independent stream per image: results do not depend on the order
    # in which images are generated.
    rng = np.random.default_rng([seed, 1, *combo, index])
    size = image_size
    ss = _SUPERSAMPLE
    big = size * ss
    # Pixel centres of the super-sampled grid, in output-pixel units.
    coords = (np.arange(big) + 0.5) / ss
    ys, xs = np.meshgrid(coords, coords, indexing='ij')

    # Background: a dull colour, or a gradient between two of them.
    def dull() -> np.ndarray:
        return np.clip(rng.uniform(50, 200) + rng.uniform(-30, 30, 3), 0, 255)

    c1, c2 = dull(), dull()
    if rng.random() < 0.5:
        theta = rng.uniform(0, 2 * math.pi)
        t = (xs * math.cos(theta) + ys * math.sin(theta)) / size
        t = (t - t.min()) / max(t.max() - t.min(), 1e-6)
        background = c1 * (1 - t[..., None]) + c2 * t[..., None]
    else:
        background = np.broadcast_to(c1, (big, big, 3))

    # Object pose.
    radius = rng.uniform(0.28, 0.42) * size
    cx, cy = rng.uniform(0.8 * radius, size - 0.8 * radius, 2)
    angle = rng.uniform(0, 2 * math.pi)

    # Silhouette.
    shape = SHAPES[combo[0]]
    if shape == 'circle':
        k = np.arange(48)
        unit = np.stack([np.cos(2 * np.pi * k / 48),
                         np.sin(2 * np.pi * k / 48)], 1)
    elif shape == 'star':
        k = np.arange(10)
        r = np.where(k % 2 == 0, 1.0, 0.45)
        a = np.pi * k / 5 - np.pi / 2
        unit = np.stack([r * np.cos(a), r * np.sin(a)], 1)
    elif shape == 'cross':
        w = 0.33
        unit = np.array([(w, -1), (w, -w), (1, -w), (1, w), (w, w), (w, 1),
                         (-w, 1), (-w, w), (-1, w), (-1, -w), (-w, -w),
                         (-w, -1)]) * 0.95
    elif shape == 'crescent':
        # unit disc minus a disc of radius 0.8 centred at (0.45, 0); the two
        # circles cross at (0.625, +-0.78).
        outer = np.radians(np.linspace(51.3, 308.7, 40))
        inner = np.radians(np.linspace(282.6, 77.4, 32))
        unit = np.concatenate([
            np.stack([np.cos(outer), np.sin(outer)], 1),
            np.stack([0.45 + 0.8 * np.cos(inner), 0.8 * np.sin(inner)], 1)
        ])
    else:
        n = {'square': 4, 'triangle': 3}[shape]
        a = 2 * np.pi * np.arange(n) / n - np.pi / 2
        unit = np.stack([np.cos(a), np.sin(a)], 1)
    rot = np.array([[math.cos(angle), -math.sin(angle)],
                    [math.sin(angle), math.cos(angle)]])
    points = (unit @ rot.T * radius + (cx, cy)) * ss
    canvas = Image.new('L', (big, big), 0)
    ImageDraw.Draw(canvas).polygon([tuple(p) for p in points.tolist()],
                                   fill=255)
    alpha = np.asarray(canvas, dtype=np.float64)[..., None] / 255

    # Surface pattern, in the object's frame (it turns with the object).
    dx, dy = xs - cx, ys - cy
    u = (dx * math.cos(angle) + dy * math.sin(angle)) / radius
    v = (-dx * math.sin(angle) + dy * math.cos(angle)) / radius
    phase_u, phase_v = rng.uniform(0, 1, 2)
    pattern = PATTERNS[combo[2]]
    if pattern == 'stripes':
        dark = np.mod(u / 0.5 + phase_u, 1) < 0.5
    elif pattern == 'checker':
        dark = (np.floor(u / 0.5 + phase_u) +
                np.floor(v / 0.5 + phase_v)) % 2 == 1
    elif pattern == 'dots':
        du = np.mod(u / 0.55 + phase_u, 1) - 0.5
        dv = np.mod(v / 0.55 + phase_v, 1) - 0.5
        dark = du * du + dv * dv < 0.3**2
    else:
        dark = np.zeros_like(u, dtype=bool)
    colour = np.clip(
        np.array(_RGB[COLOURS[combo[1]]]) * rng.uniform(0.85, 1.05), 0, 255)
    foreground = np.where(dark[..., None], colour * 0.35, colour)

    image = alpha * foreground + (1 - alpha) * background
    # Box-filter down to the output size (anti-aliasing).
    image = image.reshape(size, ss, size, ss, 3).mean((1, 3))
    coverage = alpha[..., 0].reshape(size, ss, size, ss).mean((1, 3))
    image = image + rng.normal(0, rng.uniform(2, 10), image.shape)
    image = np.clip(np.rint(image), 0, 255).astype(np.uint8)
    mask = np.where(coverage >= 0.5, 255, 0).astype(np.uint8)
    return image, mask


class DamagedCacheError(RuntimeError):
    """A ShapesZSL cache folder whose files do not match their manifest."""


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
        if not 0 <= self.val_fraction < 1:
            raise ValueError(f'ShapesZSL: val_fraction={val_fraction} must '
                             'be in [0, 1).')
        self._num_train_images = int(
            round(trainval_per_class * (1 - self.val_fraction)))
        if self._num_train_images < 1:
            raise ValueError(
                f'ShapesZSL: val_fraction={val_fraction} leaves no train '
                f'image out of trainval_per_class={trainval_per_class}.')

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

    def _params_record(self) -> dict:
        return dict(format_version=FORMAT_VERSION, **self._params)

    def _define_classes(self) -> None:
        """Draw the classes and their roles, and build the embeddings."""
        p = self._params
        rng = np.random.default_rng([p['seed'], 0])
        all_combos = [(s, c, t) for s in range(len(SHAPES))
                      for c in range(len(COLOURS))
                      for t in range(len(PATTERNS))]
        # Random restarts of the class draw and of two greedy role choices
        # (deterministic given the seed); small benchmarks may need several
        # draws before the attribute-coverage constraint can hold.
        for attempt in range(2000):
            if attempt % 20 == 0:
                picked = sorted(
                    rng.choice(len(all_combos), p['num_classes'],
                               replace=False).tolist())
                combos = [all_combos[i] for i in picked]
                everyone = list(range(len(combos)))
            unseen, blocking = _hold_out(rng, combos, everyone,
                                         p['num_unseen'])
            if len(unseen) < p['num_unseen']:
                failed = ('num_unseen', 'test-unseen', 'trainval', everyone)
                continue
            trainval = [c for c in everyone if c not in unseen]
            val, blocking = _hold_out(rng, combos, trainval, p['num_val'])
            if len(val) == p['num_val']:
                break
            failed = ('num_val', 'validation', 'train', trainval)
        else:
            arg, role, rest_role, pool = failed
            (group, value), name = blocking
            raise ValueError(
                f'ShapesZSL: cannot choose {arg}={p[arg]} {role} classes '
                f'out of {len(pool)} so that every attribute value of a '
                f'{role} class occurs in some {rest_role} class: e.g. '
                f'{group} {value!r} (class {name!r}) would occur in no '
                f'{rest_role} class. Lower {arg} or raise num_classes.')
        train = [c for c in trainval if c not in val]
        self._combos = combos
        self._names = [_class_name(combo) for combo in combos]
        self._embeddings = np.stack([_class_embedding(c) for c in combos])
        self._roles = dict(
            trainval=trainval, test_unseen=unseen, train=train, val=val)

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
                dict(_attribute_values(combo)) for combo in self._combos
            ],
            attribute_names=list(ATTRIBUTE_NAMES),
            class_embeddings=self._embeddings.tolist(),
            roles={k: list(v)
                   for k, v in self._roles.items()},
            images=self._image_records())

    # ------------------------------------------------------------------
    # Cache
    # ------------------------------------------------------------------
    def _generate(self) -> None:
        """Render everything into a temporary sibling folder, then rename it
        into ``self.cache_dir``."""
        logger = MMLogger.get_current_instance()
        meta = self._meta()
        parent = osp.dirname(osp.abspath(self.cache_dir))
        os.makedirs(parent, exist_ok=True)
        tmp_dir = osp.join(
            parent, f'.{osp.basename(self.cache_dir)}.tmp-{os.getpid()}-'
            f'{uuid.uuid4().hex[:8]}')
        logger.info(f'ShapesZSL: generating {len(meta["images"])} images '
                    f'into {self.cache_dir} ...')
        start = time.perf_counter()
        try:
            for name in self._names:
                os.makedirs(osp.join(tmp_dir, 'images', name))
                os.makedirs(osp.join(tmp_dir, 'masks', name))
            seed, size = self._params['seed'], self._params['image_size']
            manifest = {}
            for record in meta['images']:
                image, mask = _render(seed, self._combos[record['gt_label']],
                                      record['index'], size)
                for key, array, mode in (('img_path', image, 'RGB'),
                                         ('mask_path', mask, 'L')):
                    png = io.BytesIO()
                    Image.fromarray(array, mode).save(png, format='PNG')
                    with open(osp.join(tmp_dir, record[key]), 'wb') as f:
                        f.write(png.getvalue())
                    manifest[record[key]] = hashlib.sha256(
                        png.getvalue()).hexdigest()
            with atomic_open(osp.join(tmp_dir, MANIFEST_FILE), 'w') as f:
                json.dump(manifest, f, sort_keys=True)
            # meta.json last: a folder with it is complete.
            with atomic_open(osp.join(tmp_dir, 'meta.json'), 'w') as f:
                json.dump(meta, f, sort_keys=True)
            try:
                os.rename(tmp_dir, self.cache_dir)
            except OSError:
                if not osp.isdir(self.cache_dir):
                    raise
                # Another process (e.g. another DDP rank) was faster.
                shutil.rmtree(tmp_dir, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp_dir, ignore_errors=True)
            raise
        logger.info(f'ShapesZSL: generated in '
                    f'{time.perf_counter() - start:.1f} s.')

    def _corrupt(self, reason: str) -> 'DamagedCacheError':
        error = DamagedCacheError(
            f'ShapesZSL: the cache folder {self.cache_dir} is incomplete or '
            f'corrupt ({reason}). Delete this folder to regenerate it.')
        error.reason = reason
        return error

    def _discard_cache(self) -> None:
        """Move the cache folder aside (one atomic rename, so that a
        concurrent process never reads a half-deleted folder) and delete
        it."""
        parent, name = osp.split(osp.abspath(self.cache_dir))
        trash = osp.join(parent, f'.{name}.damaged-{os.getpid()}-'
                         f'{uuid.uuid4().hex[:8]}')
        try:
            os.rename(self.cache_dir, trash)
        except FileNotFoundError:
            return  # another process (DDP rank) moved it first
        shutil.rmtree(trash, ignore_errors=True)

    def _validate_cache(self) -> List[dict]:
        """Check the cache folder against the parameters; return the image
        records."""
        meta_file = osp.join(self.cache_dir, 'meta.json')
        try:
            with open(meta_file) as f:
                meta = json.load(f)
        except (OSError, ValueError) as e:
            raise self._corrupt(f'cannot read {meta_file}: {e}') from e
        if not isinstance(meta, dict):
            raise self._corrupt(f'{meta_file} is not a JSON object')
        expected = self._meta()
        for key in ('parameters', 'classes', 'roles', 'images'):
            if meta.get(key) != expected[key]:
                raise self._corrupt(f'{key!r} in {meta_file} does not match '
                                    'the dataset parameters')
        embeddings = np.asarray(
            meta.get('class_embeddings', []), dtype=np.float32)
        if not np.array_equal(embeddings, self._embeddings):
            raise self._corrupt(f"'class_embeddings' in {meta_file} does not "
                                'match the dataset parameters')
        manifest_file = osp.join(self.cache_dir, MANIFEST_FILE)
        try:
            with open(manifest_file) as f:
                manifest = json.load(f)
        except (OSError, ValueError) as e:
            raise self._corrupt(f'cannot read {manifest_file}: {e}') from e
        for record in meta['images']:
            for key in ('img_path', 'mask_path'):
                path = osp.join(self.cache_dir, record[key])
                try:
                    with open(path, 'rb') as f:
                        digest = hashlib.sha256(f.read()).hexdigest()
                except OSError:
                    raise self._corrupt(f'missing file {path}') from None
                if digest != manifest.get(record[key]):
                    raise self._corrupt(f'{path} differs from its sha256 in '
                                        f'{MANIFEST_FILE}')
        return meta['images']

    def load_data_list(self) -> List[dict]:
        """Generate the cache if needed, check it (regenerating a damaged
        one), and list the images of ``self.split``."""
        if not osp.isdir(self.cache_dir):
            self._generate()
        try:
            records = self._validate_cache()
        except DamagedCacheError as e:
            MMLogger.get_current_instance().warning(
                f'ShapesZSL: the cache folder {self.cache_dir} is damaged '
                f'({e.reason}); regenerating it.')
            self._discard_cache()
            self._generate()
            records = self._validate_cache()

        train, val = set(self._roles['train']), set(self._roles['val'])
        num_train = self._num_train_images

        def wanted(r: dict) -> bool:
            tag, label = r['split'], r['gt_label']
            if self.split == 'test':
                return tag in ('test_seen', 'test_unseen')
            if self.split == 'train':
                return (tag == 'trainval' and label in train
                        and r['index'] < num_train)
            if self.split == 'val':
                return tag == 'trainval' and (
                    label in val or
                    (label in train and r['index'] >= num_train))
            return tag == self.split

        data_list = []
        for r in records:
            if not wanted(r):
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
