from .backbones import AlexNetFC7, PrecomputedFeatures
from .heads import CraftedClsHead

__all__ = [
    'AlexNetFC7', 'CraftedClsHead', 'PrecomputedFeatures'
]
