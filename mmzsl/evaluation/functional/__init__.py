from .gzsl import (BestScores, GZSLAccuracy, SeenUnseenCurve, best_gamma,
                   class_mean_accuracy, gzsl_accuracy, reduce_scores,
                   seen_unseen_curve, zsl_accuracy)

__all__ = [
    'BestScores', 'GZSLAccuracy', 'SeenUnseenCurve', 'best_gamma',
    'class_mean_accuracy', 'gzsl_accuracy', 'reduce_scores',
    'seen_unseen_curve', 'zsl_accuracy'
]
