from .alexnet_fc7 import AlexNetFC7
from .efficientnet_lite import EfficientNetLite
from .precomputed_features import PrecomputedFeatures

__all__ = ['AlexNetFC7', 'EfficientNetLite', 'PrecomputedFeatures']
