"""The xlsa17 folders the dataset tests read: the real split files of
``../shared/data/xlsa17`` with stand-in res101.mat and images."""
import pytest

from tests.test_datasets.xlsa17_fixtures import make_xlsa17


def _make(tmp_path_factory, name):
    info = make_xlsa17(str(tmp_path_factory.mktemp(name.lower())), name)
    info['name'] = name
    return info


@pytest.fixture(scope='package')
def awa2(awa2_folders):
    # the session's AWA2 folders (tests/conftest.py), shared with the tools'
    # tests; a test that changes a file restores it
    return dict(awa2_folders, name='AWA2')


@pytest.fixture(scope='package')
def sun(tmp_path_factory):
    return _make(tmp_path_factory, 'SUN')


@pytest.fixture(scope='package')
def flo(tmp_path_factory):
    return _make(tmp_path_factory, 'FLO')
