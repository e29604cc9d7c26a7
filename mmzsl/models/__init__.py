from .backbones import AlexNetFC7, PrecomputedFeatures
from .classifiers import StageCacheClassifier
from .heads import (ALEHead, CompatibilityHead, CraftedClsHead, ESZSLHead,
                    SAEHead)
from .losses import ZSLRankingLoss
from .utils import StageCacheDataPreprocessor

__all__ = [
    'AlexNetFC7', 'ALEHead', 'CompatibilityHead', 'CraftedClsHead',
    'ESZSLHead', 'PrecomputedFeatures', 'SAEHead', 'StageCacheClassifier',
    'StageCacheDataPreprocessor', 'ZSLRankingLoss'
]
