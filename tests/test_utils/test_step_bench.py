"""The classifier and training step that time crafted heads against
LinearClsHead (tools/analysis_tools/gpu_step_check.py, the overhead
benchmark)."""
import pytest
import torch

import mmzsl  # noqa: F401
from mmzsl.utils.step_bench import (NUM_CLASSES, step_classifier,
                                    train_step_fn)


@pytest.mark.parametrize('head', ['linear', 'semantic', 'fusion'])
def test_step_classifier_trains_one_step(head):
    torch.manual_seed(0)
    model = step_classifier(dict(type='ResNet', depth=18), 512, head)
    expected = 'LinearClsHead' if head == 'linear' else 'CraftedClsHead'
    assert type(model.head).__name__ == expected
    assert model.head.num_classes == NUM_CLASSES
    before = [p.detach().clone() for p in model.parameters()]
    train_step_fn(model, batch=2, size=32, device='cpu')()
    changed = [not torch.equal(a, b)
               for a, b in zip(before, model.parameters())]
    assert any(changed)
