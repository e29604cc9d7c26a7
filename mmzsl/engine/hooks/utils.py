"""Helpers shared by the hooks: find the crafted head and the ZSL dataset."""
from mmengine.model import is_model_wrapper

from mmzsl.models.heads import ZSLHead


def get_crafted_head(model) -> ZSLHead:
    """Return the :class:`ZSLHead` of a (possibly DDP-wrapped) model.

    Raises:
        TypeError: if the model has no crafted head.
    """
    if is_model_wrapper(model):
        model = model.module
    head = getattr(model, 'head', None)
    if not isinstance(head, ZSLHead):
        raise TypeError(
            f'this hook needs a model whose head is a CraftedClsHead; '
            f'{type(model).__name__}.head is {type(head).__name__}. Set '
            "model.head.type='CraftedClsHead' in the config.")
    return head


def get_zsl_dataset(dataloader):
    """Return the dataset carrying ``class_embeddings`` behind a loader.

    Dataset wrappers with a ``dataset`` attribute (``RepeatDataset``,
    ``ClassBalancedDataset``) are unwrapped.
    """
    dataset = dataloader.dataset
    while not hasattr(dataset, 'class_embeddings') and hasattr(
            dataset, 'dataset'):
        dataset = dataset.dataset
    if not hasattr(dataset, 'class_embeddings'):
        raise TypeError(
            f'{type(dataset).__name__} has no class_embeddings: zero-shot '
            'hooks need a ZSL dataset (ShapesZSL, CUBZSL, ...).')
    meta = dataset.metainfo
    for key in ('classes', 'seen_ids', 'unseen_ids'):
        if key not in meta:
            raise KeyError(f'{type(dataset).__name__}.metainfo lacks '
                           f'{key!r}, which zero-shot hooks need.')
    return dataset
