"""The procedural renderer of ``ShapesZSL``: one image and its object mask
from a seed, a class and an image index."""
import math
from typing import Tuple

import numpy as np
from PIL import Image, ImageDraw

from .classes import COLOURS, PATTERNS, SHAPES, Combo

_RGB = {
    'red': (220, 40, 40),
    'green': (40, 180, 60),
    'blue': (50, 70, 220),
    'yellow': (230, 210, 40),
    'magenta': (210, 50, 200),
    'cyan': (40, 200, 210),
}

# Super-sampling factor of the renderer (anti-aliasing).
_SUPERSAMPLE = 2


def render(seed: int, combo: Combo, index: int,
           image_size: int) -> Tuple[np.ndarray, np.ndarray]:
    """Render image ``index`` of class ``combo``.

    Returns:
        tuple: ``(image, mask)``: uint8 arrays of shape ``(S, S, 3)`` and
        ``(S, S)`` (values 0 or 255).
    """
    # One independent stream per image: results do not depend on the order
    # in which images are generated. The helpers draw from it in a fixed
    # order, which the generated files depend on.
    rng = np.random.default_rng([seed, 1, *combo, index])
    size = image_size
    ss = _SUPERSAMPLE
    big = size * ss
    # Pixel centres of the super-sampled grid, in output-pixel units.
    coords = (np.arange(big) + 0.5) / ss
    ys, xs = np.meshgrid(coords, coords, indexing='ij')
    background = _background(rng, xs, ys, size)

    # Object pose.
    radius = rng.uniform(0.28, 0.42) * size
    cx, cy = rng.uniform(0.8 * radius, size - 0.8 * radius, 2)
    angle = rng.uniform(0, 2 * math.pi)

    alpha = _silhouette(SHAPES[combo[0]], radius, (cx, cy), angle, big)
    foreground = _surface(rng, combo, xs - cx, ys - cy, radius, angle)
    return _compose(rng, alpha, foreground, background, size)


def _background(rng: np.random.Generator, xs: np.ndarray, ys: np.ndarray,
                size: int) -> np.ndarray:
    """A dull colour, or a gradient between two of them."""

    def dull() -> np.ndarray:
        return np.clip(rng.uniform(50, 200) + rng.uniform(-30, 30, 3), 0, 255)

    c1, c2 = dull(), dull()
    if rng.random() < 0.5:
        theta = rng.uniform(0, 2 * math.pi)
        t = (xs * math.cos(theta) + ys * math.sin(theta)) / size
        t = (t - t.min()) / max(t.max() - t.min(), 1e-6)
        return c1 * (1 - t[..., None]) + c2 * t[..., None]
    return np.broadcast_to(c1, xs.shape + (3, ))


def _outline(shape: str) -> np.ndarray:
    """The polygon of ``shape`` around the origin, radius about 1."""
    if shape == 'circle':
        k = np.arange(48)
        return np.stack([np.cos(2 * np.pi * k / 48),
                         np.sin(2 * np.pi * k / 48)], 1)
    if shape == 'star':
        k = np.arange(10)
        r = np.where(k % 2 == 0, 1.0, 0.45)
        a = np.pi * k / 5 - np.pi / 2
        return np.stack([r * np.cos(a), r * np.sin(a)], 1)
    if shape == 'cross':
        w = 0.33
        return np.array([(w, -1), (w, -w), (1, -w), (1, w), (w, w), (w, 1),
                         (-w, 1), (-w, w), (-1, w), (-1, -w), (-w, -w),
                         (-w, -1)]) * 0.95
    if shape == 'crescent':
        # unit disc minus a disc of radius 0.8 centred at (0.45, 0); the two
        # circles cross at (0.625, +-0.78).
        outer = np.radians(np.linspace(51.3, 308.7, 40))
        inner = np.radians(np.linspace(282.6, 77.4, 32))
        return np.concatenate([
            np.stack([np.cos(outer), np.sin(outer)], 1),
            np.stack([0.45 + 0.8 * np.cos(inner), 0.8 * np.sin(inner)], 1)
        ])
    n = {'square': 4, 'triangle': 3}[shape]
    a = 2 * np.pi * np.arange(n) / n - np.pi / 2
    return np.stack([np.cos(a), np.sin(a)], 1)


def _silhouette(shape: str, radius: float, centre: Tuple[float, float],
                angle: float, big: int) -> np.ndarray:
    """The object's coverage ``(big, big, 1)`` in [0, 1] on the
    super-sampled grid."""
    rot = np.array([[math.cos(angle), -math.sin(angle)],
                    [math.sin(angle), math.cos(angle)]])
    points = (_outline(shape) @ rot.T * radius + centre) * _SUPERSAMPLE
    canvas = Image.new('L', (big, big), 0)
    ImageDraw.Draw(canvas).polygon([tuple(p) for p in points.tolist()],
                                   fill=255)
    return np.asarray(canvas, dtype=np.float64)[..., None] / 255


def _surface(rng: np.random.Generator, combo: Combo, dx: np.ndarray,
             dy: np.ndarray, radius: float, angle: float) -> np.ndarray:
    """The object's colour with its surface pattern, in the object's frame
    (it turns with the object)."""
    u = (dx * math.cos(angle) + dy * math.sin(angle)) / radius
    v = (-dx * math.sin(angle) + dy * math.cos(angle)) / radius
    phase_u, phase_v = rng.uniform(0, 1, 2)
    pattern = PATTERNS[combo[2]]
    if pattern == 'stripes':
        dark = np.mod(u / 0.5 + phase_u, 1) < 0.5
    elif pattern == 'checker':
        dark = (np.floor(u / 0.5 + phase_u) +
                np.floor(v / 0.5 + phase_v)) % 2 == 1
    elif pattern == 'dots':
        du = np.mod(u / 0.55 + phase_u, 1) - 0.5
        dv = np.mod(v / 0.55 + phase_v, 1) - 0.5
        dark = du * du + dv * dv < 0.3**2
    else:
        dark = np.zeros_like(u, dtype=bool)
    colour = np.clip(
        np.array(_RGB[COLOURS[combo[1]]]) * rng.uniform(0.85, 1.05), 0, 255)
    return np.where(dark[..., None], colour * 0.35, colour)


def _compose(rng: np.random.Generator, alpha: np.ndarray,
             foreground: np.ndarray, background: np.ndarray,
             size: int) -> Tuple[np.ndarray, np.ndarray]:
    """Blend, box-filter down to ``size`` (anti-aliasing), add pixel noise,
    and threshold the coverage into the mask."""
    ss = _SUPERSAMPLE
    image = alpha * foreground + (1 - alpha) * background
    image = image.reshape(size, ss, size, ss, 3).mean((1, 3))
    coverage = alpha[..., 0].reshape(size, ss, size, ss).mean((1, 3))
    image = image + rng.normal(0, rng.uniform(2, 10), image.shape)
    image = np.clip(np.rint(image), 0, 255).astype(np.uint8)
    mask = np.where(coverage >= 0.5, 255, 0).astype(np.uint8)
    return image, mask
