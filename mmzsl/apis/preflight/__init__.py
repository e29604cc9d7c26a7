"""Checks that the tools run before they build a Runner or read images.

Two families, both raising :class:`~mmzsl.apis.cli.CLIError` (one line
``error: <what> — <fix>``, exit status 2):

- :func:`check_checkpoint_config`: a checkpoint's record (see
  :mod:`mmzsl.utils.checkpoint_meta`) against the config a tool was given:
  head and rules, backbone, dataset, number of classes, protocol, then the
  class names and the class embeddings of the config's split file. A
  mismatch names the config the checkpoint belongs to.
- :func:`check_zsl_data`: the zero-shot data of a config, as
  ``tools/misc/check_zsl_data.py`` checks it, in a fast mode: the data
  folders exist, every split of the protocols builds (the split files
  parse, every image exists), the protocol is sound, the head fits the
  dataset, and every image's header reads. Images that a feature cache
  still has to be extracted from are decoded fully (as the pipeline
  decodes them), so that a damaged image is named before the first
  feature is computed.
"""
from .checkpoint import check_checkpoint_config
from .data import (PROTOCOL_SPLITS, build_split, check_zsl_data,
                   image_dataset_cfg, protocol_problems)
from .images import image_paths, unreadable_images

__all__ = [
    'check_checkpoint_config', 'check_zsl_data', 'image_dataset_cfg',
    'build_split', 'protocol_problems', 'unreadable_images', 'image_paths',
    'PROTOCOL_SPLITS'
]
