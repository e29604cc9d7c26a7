from .hooks import (CalibrationHook, RandomStateHook, SetClassRulesHook,
                    VisualPrototypeHook, get_crafted_head, get_zsl_dataset,
                    read_gamma, write_json_atomic)

__all__ = [
    'CalibrationHook', 'SetClassRulesHook', 'RandomStateHook', 'read_gamma',
    'write_json_atomic', 'get_crafted_head', 'get_zsl_dataset',
    'VisualPrototypeHook'
]
