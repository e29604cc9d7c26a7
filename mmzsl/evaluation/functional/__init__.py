from .gzsl import (BestScores, GZSLAccuracy, class_mean_accuracy,
                   gzsl_accuracy, reduce_scores, zsl_accuracy)
from .seen_unseen import SeenUnseenCurve, best_gamma, seen_unseen_curve

__all__ = [
    'BestScores', 'GZSLAccuracy', 'SeenUnseenCurve', 'best_gamma',
    'class_mean_accuracy', 'gzsl_accuracy', 'reduce_scores',
    'seen_unseen_curve', 'zsl_accuracy'
]
