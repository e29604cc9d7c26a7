from .hooks import (CalibrationHook, RandomStateHook, SetClassRulesHook,
                    VisualPrototypeHook, get_crafted_head, get_zsl_dataset)

__all__ = [
    'CalibrationHook', 'SetClassRulesHook', 'RandomStateHook',
    'get_crafted_head', 'get_zsl_dataset', 'VisualPrototypeHook'
]
