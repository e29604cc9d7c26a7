from .hooks import (CalibrationHook, RandomStateHook, SetClassRulesHook,
                    VisualPrototypeHook, get_crafted_head, get_zsl_dataset,
                    read_gamma)

__all__ = [
    'CalibrationHook', 'SetClassRulesHook', 'RandomStateHook', 'read_gamma',
    'get_crafted_head', 'get_zsl_dataset', 'VisualPrototypeHook'
]
