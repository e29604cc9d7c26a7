"""What the maps of a stage cache depend on: the network's data
preprocessor, stem and frozen stages, and the key that hashes them with
the pipeline, the views and the images."""
import copy
import hashlib
from typing import Dict, Optional, Sequence, Tuple

import torch

from mmpretrain.registry import MODELS
from ..cache_inputs import image_identity, key_json

_KEY_MEMO: Dict[str, Tuple[str, str]] = {}
# Backbone settings that leave the frozen stages' maps as they are (the
# maps are computed in eval mode; the weights are hashed on their own).
_TRAINING_ONLY = ('frozen_stages', 'norm_eval', 'out_indices',
                  'drop_path_rate', 'with_cp', 'init_cfg')


class LowerStages(torch.nn.Module):
    """The data preprocessor, stem and frozen stages of a network."""

    def __init__(self, network: dict, stages: int) -> None:
        super().__init__()
        from mmzsl.models.utils.stages import check_cached_stages
        backbone = copy.deepcopy(network['backbone'])
        backbone['frozen_stages'] = stages
        self.backbone = MODELS.build(backbone)
        check_cached_stages(self.backbone, stages)
        preprocessor = dict(type='ClsDataPreprocessor')
        preprocessor.update(network.get('data_preprocessor') or {})
        preprocessor['type'] = 'ClsDataPreprocessor'  # images only here
        self.data_preprocessor = MODELS.build(preprocessor)
        if hasattr(self.backbone, 'init_weights'):
            self.backbone.init_weights()
        self.stages = stages
        self.eval()

    @torch.no_grad()
    def forward(self, images: torch.Tensor) -> torch.Tensor:
        from mmzsl.models.utils.stages import lower_stages
        return lower_stages(self.backbone, images, self.stages)

    def weights_hash(self) -> str:
        from mmzsl.models.utils.stages import frozen_state_hash
        return frozen_state_hash(self.backbone, self.stages)


def network_identity(network: dict) -> dict:
    """The part of ``network`` that the cached maps depend on."""
    backbone = {k: v for k, v in dict(network.get('backbone', {})).items()
                if k not in _TRAINING_ONLY}
    preprocessor = {
        k: v for k, v in dict(network.get('data_preprocessor') or {}).items()
        if k != 'type'}  # the maps are made by ClsDataPreprocessor's scaling
    return dict(backbone=backbone, data_preprocessor=preprocessor)


def cache_key(network: dict, stages: int, pipeline: Sequence[dict],
              views: Sequence[str], crop_size: int, dtype: str,
              datasets: Sequence) -> Tuple[str, str, Optional[LowerStages]]:
    """The cache key, the frozen weights' hash and the network if it was
    built here (the key is memoised per process for the same inputs)."""
    inputs = [stages, list(pipeline), list(views), crop_size, dtype,
              image_identity(datasets)]
    # the whole network config: any change of it hashes the weights anew
    memo = hashlib.sha256(key_json([network] + inputs).encode()).hexdigest()
    net = None
    if memo not in _KEY_MEMO:
        net = LowerStages(network, stages)
        weights = net.weights_hash()
        _KEY_MEMO[memo] = (hashlib.sha256(
            key_json([network_identity(network)] + inputs +
                     [weights]).encode()).hexdigest(), weights)
    return _KEY_MEMO[memo] + (net, )
