from .calibration_hook import CalibrationHook
from .channels_last_hook import ChannelsLastHook
from .checkpoint_record_hook import CheckpointRecordHook
from .class_rules_hook import SetClassRulesHook
from .random_state_hook import RandomStateHook
from .stage_cache_hook import StageCacheCheckHook
from .utils import get_crafted_head, get_zsl_dataset
from .visual_prototype_hook import VisualPrototypeHook

__all__ = [
    'CalibrationHook', 'ChannelsLastHook', 'CheckpointRecordHook',
    'SetClassRulesHook',
    'RandomStateHook', 'StageCacheCheckHook',
    'get_crafted_head', 'get_zsl_dataset',
    'VisualPrototypeHook'
]
