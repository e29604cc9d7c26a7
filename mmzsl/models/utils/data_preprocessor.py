"""A data preprocessor for models that take images or cached stage maps."""
from mmpretrain.models.utils import ClsDataPreprocessor
from mmpretrain.registry import MODELS

__all__ = ['StageCacheDataPreprocessor']


@MODELS.register_module()
class StageCacheDataPreprocessor(ClsDataPreprocessor):
    """``ClsDataPreprocessor`` that scales images as usual and passes the
    cached maps of a stage cache (not three channels) through unscaled: they
    were computed from scaled images already.

    Arguments as for ``ClsDataPreprocessor``.
    """

    def forward(self, data: dict, training: bool = False) -> dict:
        inputs = data['inputs']
        first = inputs[0] if isinstance(inputs, (list, tuple)) else inputs
        channels = first.size(-3) if first.dim() >= 3 else 3
        if channels == 3 or not self._enable_normalize:
            return super().forward(data, training)
        self._enable_normalize = False
        try:
            return super().forward(data, training)
        finally:
            self._enable_normalize = True
