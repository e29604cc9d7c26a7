from .hooks import (CalibrationHook, RandomStateHook, SetClassRulesHook,
                    VisualPrototypeHook, get_crafted_head, get_zsl_dataset)
from .runner import ClosedFormTrainLoop

__all__ = [
    'ClosedFormTrainLoop',
    'CalibrationHook', 'SetClassRulesHook', 'RandomStateHook',
    'get_crafted_head', 'get_zsl_dataset', 'VisualPrototypeHook'
]
