"""``ShapesZSL``: a synthetic zero-shot benchmark generated on the fly.

Every class is one combination of three attributes (shape, colour, surface
pattern); the images are rendered procedurally with PIL from a seed, with
nuisances (position, size, rotation, background, pixel noise) drawn per
image. Unseen classes are built only from attribute values that seen classes
also show, so a zero-shot learner can compose them.

- :mod:`.classes`: the attribute combinations, class names, embeddings and
  the draw of the classes' roles;
- :mod:`.render`: the renderer of one image and its mask;
- :mod:`.cache`: the cache folder (generation, manifest check);
- :mod:`.dataset`: the :class:`ShapesZSL` dataset.
"""
from .cache import FORMAT_VERSION, MANIFEST_FILE, DamagedCacheError
from .classes import (ATTRIBUTE_GROUPS, ATTRIBUTE_NAMES, COLOURS, PATTERNS,
                      SHAPES)
from .dataset import ShapesZSL
from .render import render

__all__ = [
    'ShapesZSL', 'DamagedCacheError', 'render', 'FORMAT_VERSION',
    'MANIFEST_FILE', 'SHAPES', 'COLOURS', 'PATTERNS', 'ATTRIBUTE_GROUPS',
    'ATTRIBUTE_NAMES'
]
