"""The classes of ``ShapesZSL``: attribute combinations, their names and
embeddings, and the draw of the classes and their roles."""
import math
from typing import Dict, List, Sequence, Tuple

import numpy as np

SHAPES = ('circle', 'square', 'triangle', 'star', 'cross', 'crescent')
COLOURS = ('red', 'green', 'blue', 'yellow', 'magenta', 'cyan')
PATTERNS = ('solid', 'stripes', 'dots', 'checker')
ATTRIBUTE_GROUPS = (('shape', SHAPES), ('colour', COLOURS),
                    ('pattern', PATTERNS))

# Adjectives used in class names, e.g. ``red_striped_circle``.
_PATTERN_ADJECTIVES = {
    'solid': 'solid',
    'stripes': 'striped',
    'dots': 'dotted',
    'checker': 'checkered',
}
# Continuous attributes (appended after the one-hot groups).
_NUM_CORNERS = {
    'circle': 0,
    'square': 4,
    'triangle': 3,
    'star': 10,
    'cross': 12,
    'crescent': 2,
}
_HUE_DEGREES = {
    'red': 0,
    'yellow': 60,
    'green': 120,
    'cyan': 180,
    'blue': 240,
    'magenta': 300,
}
_PATTERN_FREQUENCY = {'solid': 0.0, 'stripes': 0.5, 'dots': 0.75,
                      'checker': 1.0}

ATTRIBUTE_NAMES = tuple(
    [f'{group}:{value}' for group, values in ATTRIBUTE_GROUPS
     for value in values] +
    ['num_corners', 'hue_cos', 'hue_sin', 'pattern_frequency'])

Combo = Tuple[int, int, int]


def class_name(combo: Combo) -> str:
    shape, colour, pattern = combo
    return (f'{COLOURS[colour]}_{_PATTERN_ADJECTIVES[PATTERNS[pattern]]}_'
            f'{SHAPES[shape]}')


def class_embedding(combo: Combo) -> np.ndarray:
    """Concatenated one-hot groups + continuous attributes, L2-normalised."""
    shape, colour, pattern = combo
    one_hot = np.zeros(len(SHAPES) + len(COLOURS) + len(PATTERNS))
    one_hot[shape] = 1
    one_hot[len(SHAPES) + colour] = 1
    one_hot[len(SHAPES) + len(COLOURS) + pattern] = 1
    hue = math.radians(_HUE_DEGREES[COLOURS[colour]])
    continuous = np.array([
        _NUM_CORNERS[SHAPES[shape]] / 12,
        0.5 * math.cos(hue),
        0.5 * math.sin(hue),
        _PATTERN_FREQUENCY[PATTERNS[pattern]],
    ])
    row = np.concatenate([one_hot, continuous])
    return (row / np.linalg.norm(row)).astype(np.float32)


def attribute_values(combo: Combo) -> List[Tuple[str, str]]:
    return [(group, values[i])
            for (group, values), i in zip(ATTRIBUTE_GROUPS, combo)]


def hold_out(rng: np.random.Generator, combos: Sequence[Combo],
             pool: Sequence[int], num: int) -> Tuple[List[int], tuple]:
    """Greedily pick ``num`` classes of ``pool`` (in a random order) whose
    every attribute value also occurs in a class of ``pool`` that is not
    picked.

    Returns:
        tuple: ``(held, blocking)``: the sorted picked classes (fewer than
        ``num`` on failure) and, on failure, ``((group, value), class_name)``
        of a rejected class.
    """
    counts: Dict[Tuple[str, str], int] = {}
    for c in pool:
        for value in attribute_values(combos[c]):
            counts[value] = counts.get(value, 0) + 1
    held: List[int] = []
    held_values: set = set()
    blocking = None
    for c in rng.permutation(np.asarray(pool)).tolist():
        if len(held) == num:
            break
        values = attribute_values(combos[c])
        for value in values:
            counts[value] -= 1
        uncovered = [v for v in held_values.union(values) if counts[v] == 0]
        if uncovered:
            for value in values:
                counts[value] += 1
            blocking = blocking or (min(uncovered), class_name(combos[c]))
            continue
        held.append(c)
        held_values.update(values)
    return sorted(held), blocking


def draw_classes(params: dict) -> Tuple[List[Combo], Dict[str, List[int]]]:
    """Draw the classes and their roles from ``params`` (the checked
    generation parameters).

    Returns:
        tuple: ``(combos, roles)``: the attribute combination of each class,
        and the classes of each role (``trainval``, ``test_unseen``,
        ``train``, ``val``).
    """
    p = params
    rng = np.random.default_rng([p['seed'], 0])
    all_combos = [(s, c, t) for s in range(len(SHAPES))
                  for c in range(len(COLOURS))
                  for t in range(len(PATTERNS))]
    # Random restarts of the class draw and of two greedy role choices
    # (deterministic given the seed); small benchmarks may need several
    # draws before the attribute-coverage constraint can hold.
    for attempt in range(2000):
        if attempt % 20 == 0:
            picked = sorted(
                rng.choice(len(all_combos), p['num_classes'],
                           replace=False).tolist())
            combos = [all_combos[i] for i in picked]
            everyone = list(range(len(combos)))
        unseen, blocking = hold_out(rng, combos, everyone, p['num_unseen'])
        if len(unseen) < p['num_unseen']:
            failed = ('num_unseen', 'test-unseen', 'trainval', everyone)
            continue
        trainval = [c for c in everyone if c not in unseen]
        val, blocking = hold_out(rng, combos, trainval, p['num_val'])
        if len(val) == p['num_val']:
            break
        failed = ('num_val', 'validation', 'train', trainval)
    else:
        raise _no_draw_error(p, failed, blocking)
    train = [c for c in trainval if c not in val]
    return combos, dict(
        trainval=trainval, test_unseen=unseen, train=train, val=val)


def _no_draw_error(params: dict, failed: tuple,
                   blocking: tuple) -> ValueError:
    arg, role, rest_role, pool = failed
    (group, value), name = blocking
    return ValueError(
        f'ShapesZSL: cannot choose {arg}={params[arg]} {role} classes '
        f'out of {len(pool)} so that every attribute value of a '
        f'{role} class occurs in some {rest_role} class: e.g. '
        f'{group} {value!r} (class {name!r}) would occur in no '
        f'{rest_role} class. Lower {arg} or raise num_classes.')
