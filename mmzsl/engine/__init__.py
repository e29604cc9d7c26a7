from .hooks import (CalibrationHook, ChannelsLastHook, CheckpointRecordHook,
                    RandomStateHook,
                    SetClassRulesHook, VisualPrototypeHook, get_crafted_head,
                    get_zsl_dataset)
from .runner import ClosedFormTrainLoop

__all__ = [
    'ClosedFormTrainLoop',
    'CalibrationHook', 'ChannelsLastHook', 'CheckpointRecordHook',
    'SetClassRulesHook',
    'RandomStateHook',
    'get_crafted_head', 'get_zsl_dataset', 'VisualPrototypeHook'
]
