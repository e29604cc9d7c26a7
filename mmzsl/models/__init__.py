from .backbones import AlexNetFC7, PrecomputedFeatures
from .heads import CraftedClsHead, load_class_embeddings

__all__ = [
    'AlexNetFC7', 'CraftedClsHead', 'PrecomputedFeatures',
    'load_class_embeddings'
]
