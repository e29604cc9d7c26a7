"""The file helpers of the xlsa17 datasets under their former module name:
:mod:`mmzsl.datasets.mat_io` and :mod:`mmzsl.datasets.xlsa17` hold them."""
from .mat_io import cell_strings, clear_mat_cache, read_mat, replace_cached
from .xlsa17 import (XLSA17_HINT, XLSA17_URL, folder_matches_class,
                     index_vector, map_to_root, normalise_name, path_parts,
                     read_lines)

__all__ = [
    'XLSA17_URL', 'XLSA17_HINT', 'clear_mat_cache', 'read_mat',
    'replace_cached', 'cell_strings', 'read_lines', 'index_vector',
    'path_parts', 'map_to_root', 'normalise_name', 'folder_matches_class'
]
