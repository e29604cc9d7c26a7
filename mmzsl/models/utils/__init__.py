from .data_preprocessor import StageCacheDataPreprocessor
from .prototypes import class_feature_sums, infer_prototypes, ridge_regression
from .stages import (cacheable_stages, check_cached_stages, frozen_state_hash,
                     lower_stages, upper_stages)

__all__ = [
    'class_feature_sums', 'infer_prototypes', 'ridge_regression',
    'StageCacheDataPreprocessor', 'cacheable_stages', 'check_cached_stages',
    'frozen_state_hash', 'lower_stages', 'upper_stages'
]
