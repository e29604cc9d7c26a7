"""The results table of the test protocol."""
from mmzsl.apis import format_table


def test_format_table():
    table = format_table({'zsl/T1': 91.234, 'zsl/H': 80.0, 'zsl/gamma': 0.5})
    lines = table.splitlines()
    assert 'T1' in lines[1] and 'H' in lines[1] and 'gamma' in lines[1]
    assert '91.23' in lines[3] and '80.00' in lines[3] and '0.5' in lines[3]
