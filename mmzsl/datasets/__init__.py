"""Zero-shot datasets, registered into ``mmpretrain.registry.DATASETS``."""
from .shapes_zsl import ShapesZSL

__all__ = ['ShapesZSL']
