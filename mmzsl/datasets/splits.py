"""The split names of the zero-shot protocols, shared by every ZSL dataset.

=============== ======== =====================================================
split           protocol images
=============== ======== =====================================================
``trainval``    test     all seen classes (training)
``test_seen``   test     held-out images of the seen classes
``test_unseen`` test     the unseen (test) classes
``test``        test     ``test_seen`` + ``test_unseen``
``train``       val      the train classes (training)
``val``         val      held-out train-class images + the validation classes
=============== ======== =====================================================
"""
from typing import Optional

SPLITS = ('trainval', 'test_seen', 'test_unseen', 'test', 'train', 'val')
#: the splits a model trains on (``test_mode=False`` by default)
TRAIN_SPLITS = ('trainval', 'train')
#: the splits of the val protocol (the others belong to the test protocol)
VAL_PROTOCOL_SPLITS = ('train', 'val')


def check_split(split: str, owner: str) -> None:
    """Raise a ``ValueError`` naming ``owner`` (the dataset) if ``split`` is
    not one of :data:`SPLITS`."""
    if split not in SPLITS:
        raise ValueError(f'{owner}: unknown split {split!r}; valid splits '
                         f'are {", ".join(SPLITS)}.')


def default_test_mode(split: str, test_mode: Optional[bool]) -> bool:
    """``test_mode`` as given, or by default False for the training splits
    (:data:`TRAIN_SPLITS`) and True for the others."""
    if test_mode is None:
        return split not in TRAIN_SPLITS
    return test_mode
