from .inferencer import ZeroShotInferencer
from .pretrained import (fetch_pretrained, pretrained_sources,
                         skip_pretrained_download)
from .protocol import (CURVE_FILE, PROTOCOLS, RESULTS_FILE, build_runner,
                       format_table, prepare_test_config, protocol_config,
                       run_test, train_protocol, train_zsl)

__all__ = [
    'CURVE_FILE', 'PROTOCOLS', 'RESULTS_FILE', 'build_runner', 'format_table',
    'prepare_test_config', 'protocol_config', 'run_test', 'train_protocol',
    'train_zsl',
    'ZeroShotInferencer', 'fetch_pretrained', 'pretrained_sources',
    'skip_pretrained_download'
]
