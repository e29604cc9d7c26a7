"""Every relative link of the README, docs/ and the configs' READMEs
resolves to a file (and, with a #fragment, to a heading of that file)."""
import glob
import os.path as osp
import re

import pytest

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
PAGES = sorted(
    [osp.join(ROOT, 'README.md')] +
    glob.glob(osp.join(ROOT, 'docs', '**', '*.md'), recursive=True) +
    glob.glob(osp.join(ROOT, 'configs', '*', 'README.md')) +
    glob.glob(osp.join(ROOT, 'projects', '*', 'README.md')))
LINK = re.compile(r'\[[^\]]*\]\(([^)\s]+)\)')
FENCE = re.compile(r'^```.*?^```', re.M | re.S)


def anchor(heading: str) -> str:
    """GitHub's anchor of a markdown heading."""
    text = re.sub(r'[`*]', '', heading.strip().lower())
    text = re.sub(r'[^\w\- ]', '', text)
    return text.replace(' ', '-')


def anchors(path: str) -> set:
    with open(path, encoding='utf-8') as f:
        text = FENCE.sub('', f.read())
    return {anchor(m) for m in re.findall(r'^#+\s+(.*)$', text, re.M)}


def links(path: str):
    with open(path, encoding='utf-8') as f:
        text = FENCE.sub('', f.read())
    for target in LINK.findall(text):
        if not re.match(r'[a-z]+:', target):
            yield target


@pytest.mark.parametrize('page', PAGES, ids=lambda p: osp.relpath(p, ROOT))
def test_relative_links_resolve(page):
    broken = []
    for target in links(page):
        file, _, fragment = target.partition('#')
        dest = osp.normpath(osp.join(osp.dirname(page), file)) if file \
            else page
        if not osp.exists(dest):
            broken.append(target)
            continue
        if fragment and dest.endswith('.md') and \
                fragment not in anchors(dest):
            broken.append(target)
    assert not broken, f'{osp.relpath(page, ROOT)}: broken links {broken}'


def test_readme_is_short_and_keeps_the_ci_commands():
    with open(osp.join(ROOT, 'README.md'), encoding='utf-8') as f:
        text = f.read()
    assert len(text.splitlines()) <= 200
    assert 'pip install -e ".[lite,tests]"' in text
    assert '```bash\npytest\n```' in text
    assert 'python tools/train.py configs/crafting/resnet18_shapes_semantic.py' in text


def test_config_comments_point_at_existing_notes():
    """A config comment that names a note gives its path relative to the
    config file, and the note exists."""
    broken = []
    for cfg in glob.glob(osp.join(ROOT, 'configs', '**', '*.py'),
                         recursive=True):
        with open(cfg, encoding='utf-8') as f:
            comments = [line for line in f if line.lstrip().startswith('#')]
        for path in re.findall(r'[\w./-]*docs/notes/[\w.-]+\.md',
                               ''.join(comments)):
            if not osp.exists(osp.join(osp.dirname(cfg), path)):
                broken.append(f'{osp.relpath(cfg, ROOT)}: {path}')
    assert not broken, broken
