import os

import numpy as np
import pytest
import torch
from mmengine.evaluator import Evaluator
from mmpretrain.registry import METRICS
from mmpretrain.structures import DataSample
from PIL import Image

from mmzsl.evaluation import GZSLMetric  # registers it

# Global classes 0..4: seen {0, 1}, unseen {2, 3}; class 4 belongs to
# neither (a test class during the val protocol).
META = dict(classes=tuple('abcde'), seen_ids=(0, 1), unseen_ids=(2, 3))
DEFAULT_ARGS = dict(type='GZSLMetric')


def sample(gt, scores, gamma=0.25):
    s = DataSample().set_gt_label(gt).set_pred_score(
        torch.tensor(scores, dtype=torch.float32))
    if gamma is not None:
        s.set_metainfo(dict(zsl_gamma=gamma))
    return s


def build(**kwargs):
    metric = METRICS.build({**DEFAULT_ARGS, **kwargs})
    assert isinstance(metric, GZSLMetric)
    metric.dataset_meta = META
    return metric


def evaluate(metric, samples, size=None):
    metric.process(None, [s.to_dict() for s in samples])
    return metric.evaluate(len(samples) if size is None else size)


# d = best seen - best unseen, in brackets. With gamma = .25 the first seen
# image goes unseen (d = .2 <= .25).
SAMPLES = [
    sample(0, [.5, .0, .3, .0, .2]),  # seen, right [.2]
    sample(1, [.0, .7, .1, .0, .2]),  # seen, right [.6]
    sample(1, [.6, .0, .0, .1, .3]),  # seen, wrong seen class [.5]
    sample(2, [.2, .0, .4, .0, .4]),  # unseen, right [-.2]; column 4 ignored
    sample(3, [.4, .0, .0, .3, .3]),  # unseen, right but [.1] -> needs g>=.1
    sample(3, [.1, .0, .5, .2, .2]),  # unseen, wrong unseen class [-.4]
]


def test_model_gamma_and_values():
    metrics = evaluate(build(), SAMPLES)
    # gamma .25: seen: class 0 0/1, class 1 1/2 -> S = 25; unseen: class 2
    # 1/1, class 3 1/2 -> U = 75; T1: class 2 1/1, class 3 1/2 -> 75.
    assert metrics['zsl/gamma'] == 0.25
    assert metrics['zsl/S'] == pytest.approx(25)
    assert metrics['zsl/U'] == pytest.approx(75)
    assert metrics['zsl/H'] == pytest.approx(2 * 25 * 75 / 100)
    assert metrics['zsl/T1'] == pytest.approx(75)
    # gamma 0 (uncalibrated, as in the standard tables): seen: class 0 1/1,
    # class 1 1/2 -> 75; unseen: class 2 1/1, class 3 0/2 (d = .1 > 0 sends
    # the first to a seen class) -> 50.
    assert metrics['zsl/S_uncal'] == pytest.approx(75)
    assert metrics['zsl/U_uncal'] == pytest.approx(50)
    assert metrics['zsl/H_uncal'] == pytest.approx(2 * 75 * 50 / 125)
    assert set(metrics) == {
        f'zsl/{k}'
        for k in ('T1', 'S_uncal', 'U_uncal', 'H_uncal', 'S', 'U', 'H',
                  'AUSUC', 'gamma')
    }


def test_uncalibrated_is_calibration_at_zero():
    # The uncalibrated keys do not depend on the gamma used for S, U, H.
    for gamma in ('model', 'best', 0., .3, -1.):
        metrics = evaluate(build(gamma=gamma), SAMPLES)
        at_zero = evaluate(build(gamma=0.), SAMPLES)
        for key in ('S', 'U', 'H'):
            assert metrics[f'zsl/{key}_uncal'] == at_zero[f'zsl/{key}']


def test_float_gamma_and_ausuc():
    metrics = evaluate(build(gamma=0.), SAMPLES)
    # gamma 0: seen: class 0 1/1, class 1 1/2 -> 75; unseen: 1/1, 0/2 -> 50.
    assert metrics['zsl/gamma'] == 0.
    assert metrics['zsl/S'] == pytest.approx(75)
    assert metrics['zsl/U'] == pytest.approx(50)
    # Curve (U, S) in %, [breakpoint]: (0, 75) [-.4] (0, 75) [-.2] (50, 75)
    # [.1] (75, 75) [.2] (75, 25) [.5] (75, 25) [.6] (75, 0).
    assert metrics['zsl/AUSUC'] == pytest.approx(75 * 75 / 100)


def test_best_gamma():
    metric = build(gamma='best')
    metrics = evaluate(metric, SAMPLES)
    # H = 75 on [.1, .2) only: the middle is .15.
    assert metrics['zsl/gamma'] == pytest.approx(.15)
    assert metrics['zsl/H'] == pytest.approx(75)
    assert metric.last_operating_point.gamma == pytest.approx(.15)
    curve = metric.last_curve
    assert curve.harmonic.max() * 100 == pytest.approx(75)


def test_through_evaluator_drops_padding():
    evaluator = Evaluator([build(gamma=0.)])
    evaluator.dataset_meta = META
    # Two batches; the last one is padded with a copy of the first sample,
    # which evaluate(size) drops.
    evaluator.process(SAMPLES[:4])
    evaluator.process(SAMPLES[4:] + SAMPLES[:1])
    metrics = evaluator.evaluate(size=len(SAMPLES))
    assert metrics['zsl/S'] == pytest.approx(75)
    assert metrics['zsl/U'] == pytest.approx(50)


def test_keeps_six_numbers_per_sample():
    metric = build()
    metric.process(None, [s.to_dict() for s in SAMPLES])
    assert len(metric.results) == len(SAMPLES)
    # best seen score and label, best unseen score and label, gt, gamma
    assert all(len(r) == 6 for r in metric.results)
    assert not any(
        isinstance(x, (torch.Tensor, np.ndarray)) for r in metric.results
        for x in r)


def test_subset_without_unseen_or_seen_images():
    metrics = evaluate(build(), SAMPLES[:3])  # seen images only
    assert set(metrics) == {'zsl/S', 'zsl/S_uncal', 'zsl/gamma'}
    metrics = evaluate(build(), SAMPLES[3:])  # unseen images only
    assert set(metrics) == {'zsl/T1', 'zsl/U', 'zsl/U_uncal', 'zsl/gamma'}
    metric = build(gamma='best', curve_file=None)
    metrics = evaluate(metric, SAMPLES[3:])
    assert set(metrics) == {'zsl/T1', 'zsl/U_uncal'}
    assert metric.last_curve is None


def test_curve_file(tmp_path):
    path = tmp_path / 'new' / 'folder' / 'curve.png'
    evaluate(build(gamma='best', curve_file=str(path)), SAMPLES)
    with open(path, 'rb') as f:
        assert f.read(8) == b'\x89PNG\r\n\x1a\n'
    with Image.open(path) as image:
        image.verify()
    assert os.listdir(path.parent) == ['curve.png']  # no temporary left


def test_errors():
    with pytest.raises(ValueError, match='gamma must be'):
        build(gamma='test')
    # zsl_gamma missing or different between samples.
    with pytest.raises(KeyError, match='zsl_gamma'):
        evaluate(build(), [sample(0, [.5, 0, .5, 0, 0], gamma=None)])
    with pytest.raises(ValueError, match='same `zsl_gamma`'):
        evaluate(build(), [
            sample(0, [1., 0, 0, 0, 0], gamma=.1),
            sample(2, [0, 0, 1., 0, 0], gamma=.2)
        ])
    # Dataset without the protocol's classes.
    metric = METRICS.build(DEFAULT_ARGS)
    metric.dataset_meta = dict(classes=tuple('abcde'))
    with pytest.raises(KeyError, match='must provide'):
        evaluate(metric, SAMPLES)
    # Overlapping ids.
    metric.dataset_meta = dict(seen_ids=(0, 1), unseen_ids=(1, 2))
    with pytest.raises(ValueError, match='both in seen_ids'):
        evaluate(metric, SAMPLES)
    # An image of a class outside seen and unseen, named in the message.
    with pytest.raises(ValueError, match=r'\[4\]'):
        evaluate(build(), SAMPLES + [sample(4, [0, 0, 0, 0, 1.])])
