from .stage_cache_classifier import StageCacheClassifier

__all__ = ['StageCacheClassifier']
