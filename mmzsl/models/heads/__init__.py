from .ale_head import ALEHead
from .compatibility_head import CompatibilityHead
from .crafted_head import CraftedClsHead
from .eszsl_head import ESZSLHead
from .sae_head import SAEHead
from .zsl_head import ZSLHead

__all__ = [
    'ALEHead', 'CompatibilityHead', 'CraftedClsHead', 'ESZSLHead', 'SAEHead',
    'ZSLHead'
]
