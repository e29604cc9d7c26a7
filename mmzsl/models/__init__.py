from .heads import CraftedClsHead, load_class_embeddings

__all__ = ['CraftedClsHead', 'load_class_embeddings']
