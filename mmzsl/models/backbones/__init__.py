from .alexnet_fc7 import AlexNetFC7
from .precomputed_features import PrecomputedFeatures

__all__ = ['AlexNetFC7', 'PrecomputedFeatures']
