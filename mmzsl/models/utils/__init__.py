from .prototypes import class_feature_sums, infer_prototypes, ridge_regression

__all__ = ['class_feature_sums', 'infer_prototypes', 'ridge_regression']
