"""Copy the class rules of the training dataset into the crafted head."""
from mmengine.dist import get_world_size
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS

from ..protocol_guard import refuse_unmarked_training
from .utils import get_crafted_head, get_zsl_dataset


@HOOKS.register_module()
class SetClassRulesHook(Hook):
    """Give the :class:`CraftedClsHead` its rules and protocol.

    Before training, the class embeddings and the seen/unseen classes of the
    training dataset's protocol are written into the head's buffers (on
    every rank; they are then saved with each checkpoint). Before
    validation and testing, the evaluated dataset must describe the same
    classes, seen set and unseen set as the head, otherwise an error says
    what differs. A head without rules at test time (no checkpoint loaded)
    takes them from the evaluated dataset. A training run of a Runner that
    mmzsl's protocol runner did not build stops before it starts
    (:mod:`mmzsl.engine.protocol_guard`).

    Examples:
        >>> custom_hooks = [dict(type='SetClassRulesHook')]
    """

    priority = 'VERY_HIGH'

    def before_run(self, runner) -> None:
        # a generic entry point would train half the protocol: stop it
        refuse_unmarked_training(runner)

    def before_train(self, runner) -> None:
        head = get_crafted_head(runner.model)
        dataset = get_zsl_dataset(runner.train_dataloader)
        self._check_classes(head, dataset, 'train')
        world_size = get_world_size()
        if len(runner.train_dataloader.dataset) < world_size:
            raise ValueError(
                f'the training split has {len(runner.train_dataloader.dataset)}'
                f' images, fewer than the {world_size} processes: every rank '
                'would train on copies. Use fewer processes or more data.')
        head.set_class_rules(dataset.class_embeddings,
                             dataset.metainfo['seen_ids'],
                             dataset.metainfo['unseen_ids'])

    def before_val(self, runner) -> None:
        self._check_eval(runner, runner.val_dataloader, 'val')

    def before_test(self, runner) -> None:
        self._check_eval(runner, runner.test_dataloader, 'test')

    @staticmethod
    def _check_classes(head, dataset, stage: str) -> None:
        classes = dataset.metainfo['classes']
        if len(classes) != head.num_classes:
            raise ValueError(
                f'the {stage} dataset ({type(dataset).__name__}) has '
                f'{len(classes)} classes but model.head.num_classes is '
                f'{head.num_classes}; num_classes counts all classes of the '
                'label space (seen and unseen).')

    def _check_eval(self, runner, dataloader, stage: str) -> None:
        head = get_crafted_head(runner.model)
        dataset = get_zsl_dataset(dataloader)
        self._check_classes(head, dataset, stage)
        meta = dataset.metainfo
        if not head.has_rules:
            head.set_class_rules(dataset.class_embeddings, meta['seen_ids'],
                                 meta['unseen_ids'])
            return
        problem = head.rules_mismatch(dataset.class_embeddings,
                                      meta['seen_ids'], meta['unseen_ids'])
        if problem:
            raise ValueError(
                f'the {stage} dataset does not match the class rules of the '
                f'model ({problem}). A model trained on the val protocol '
                "(split='train') is evaluated on split='val', one trained on "
                "split='trainval' on 'test'/'test_seen'/'test_unseen'; the "
                'class embeddings must be the same.')
