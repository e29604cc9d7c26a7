from .crafted_head import CraftedClsHead

__all__ = ['CraftedClsHead']
