"""mmzsl/utils/config.py: the dataset config behind loader wrappers."""
from mmengine.config import Config

from mmzsl.utils import innermost_dataset_cfg, zsl_dataset_cfg


def test_the_zsl_dataset_behind_wrappers():
    cfg = Config(dict(
        train_dataloader=dict(dataset=dict(
            type='RepeatDataset', times=2,
            dataset=dict(type='ShapesZSL', split='train', pipeline=[]))),
        test_dataloader=dict(dataset=dict(type='ShapesZSL', split='test'))))
    inner = innermost_dataset_cfg(cfg.train_dataloader.dataset, 'split')
    assert inner.type == 'ShapesZSL'
    found = zsl_dataset_cfg(cfg)
    assert found == dict(type='ShapesZSL', split='train', pipeline=[])
    assert type(found) is dict
    assert zsl_dataset_cfg(cfg, 'test_dataloader')['split'] == 'test'
    # no dataset holds the key: the innermost one
    assert innermost_dataset_cfg(cfg.train_dataloader.dataset,
                                 'nothing').type == 'ShapesZSL'
