from .gzsl_metric import GZSLMetric, save_curve

__all__ = ['GZSLMetric', 'save_curve']
