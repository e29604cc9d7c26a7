"""Refuse to train or test on a stage cache built from other frozen weights
than the model's."""
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmpretrain.registry import HOOKS
from mmzsl.datasets import XLSA17StageDataset
from mmzsl.models import StageCacheClassifier

__all__ = ['StageCacheCheckHook']


@HOOKS.register_module()
class StageCacheCheckHook(Hook):
    """Check, once the weights are loaded (``load_from``, resume or a
    tested checkpoint), that the frozen stages of a
    :class:`~mmzsl.models.StageCacheClassifier` are the weights its stage
    cache was built with; a cache of other weights would feed maps the
    network never computes. Does nothing for other models or datasets.

    ``tools/train.py`` and ``tools/test.py`` register it for stage-cached
    models; it runs before the hooks that read the maps (prototypes).
    """

    priority = 'VERY_HIGH'

    @staticmethod
    def _check(runner, loader) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        if not isinstance(model, StageCacheClassifier):
            return
        dataset = loader.dataset
        while not isinstance(dataset, XLSA17StageDataset) and hasattr(
                dataset, 'dataset'):
            dataset = dataset.dataset
        if not isinstance(dataset, XLSA17StageDataset):
            return
        cached = dataset.cache_meta['frozen_weights_sha256']
        if cached != model.frozen_part_hash():
            raise RuntimeError(
                f'the stage cache {dataset.cache_file} was built from other '
                f'weights of the {model.cached_stages} frozen stages than '
                'the model has now (a load_from or checkpoint whose frozen '
                'stages differ from the pretrained ones?). Start from the '
                'pretrained network, or use a config without a stage cache '
                '(the whole network on images) for that checkpoint.')
        runner.logger.info(f'stage cache {dataset.cache_file}: built from '
                           'the model\'s frozen stages')

    def before_train(self, runner) -> None:
        self._check(runner, runner.train_dataloader)

    def before_test(self, runner) -> None:
        self._check(runner, runner.test_dataloader)
