from .ale_head import ALEHead
from .compatibility_head import CompatibilityHead
from .crafted_head import CraftedClsHead
from .eszsl_head import ESZSLHead
from .sae_head import SAEHead

__all__ = [
    'ALEHead', 'CompatibilityHead', 'CraftedClsHead', 'ESZSLHead', 'SAEHead'
]
