from .functional import (BestScores, GZSLAccuracy, SeenUnseenCurve, best_gamma,
                         class_mean_accuracy, gzsl_accuracy, reduce_scores,
                         seen_unseen_curve, zsl_accuracy)
from .metrics import GZSLMetric, save_curve

__all__ = [
    'GZSLMetric', 'save_curve', 'BestScores', 'GZSLAccuracy',
    'SeenUnseenCurve', 'best_gamma', 'class_mean_accuracy', 'gzsl_accuracy',
    'reduce_scores', 'seen_unseen_curve', 'zsl_accuracy'
]
