"""Zero-shot datasets, registered into ``mmpretrain.registry.DATASETS``."""
from .class_embeddings import load_class_embeddings
from .shapes_zsl import ShapesZSL
from .stage_cache import (PickView, XLSA17StageDataset, bind_stage_cache,
                          stage_cache_file)
from .xlsa17 import (APYZSL, AWA1ZSL, AWA2ZSL, CUBZSL, FLOZSL, SUNZSL,
                     XLSA17FeatureDataset, XLSA17ImageDataset)

__all__ = [
    'ShapesZSL', 'CUBZSL', 'AWA2ZSL', 'SUNZSL', 'FLOZSL', 'APYZSL', 'AWA1ZSL',
    'XLSA17FeatureDataset', 'XLSA17ImageDataset', 'XLSA17StageDataset',
    'PickView', 'bind_stage_cache', 'stage_cache_file', 'load_class_embeddings'
]
