from .crafted_head import CraftedClsHead, load_class_embeddings

__all__ = ['CraftedClsHead', 'load_class_embeddings']
