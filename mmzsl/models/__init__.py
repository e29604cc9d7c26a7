from .backbones import PrecomputedFeatures
from .heads import CraftedClsHead, load_class_embeddings

__all__ = ['CraftedClsHead', 'PrecomputedFeatures', 'load_class_embeddings']
