from .backbones import AlexNetFC7, PrecomputedFeatures
from .heads import (ALEHead, CompatibilityHead, CraftedClsHead, ESZSLHead,
                    SAEHead)
from .losses import ZSLRankingLoss

__all__ = [
    'AlexNetFC7', 'ALEHead', 'CompatibilityHead', 'CraftedClsHead',
    'ESZSLHead', 'PrecomputedFeatures', 'SAEHead', 'ZSLRankingLoss'
]
