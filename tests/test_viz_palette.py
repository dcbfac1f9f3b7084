"""The role colours: fixed, and told apart within a ring under colour-vision deficiency.

Independent references: sRGB -> CIELAB (D65) by the IEC 61966-2-1 and CIE 15 formulas,
CIEDE2000 by Sharma, Wu and Dalal (2005), "The CIEDE2000 color-difference formula:
implementation notes, supplementary test data, and mathematical observations" (checked
against their test pairs below), and dichromat vision by the severity-1 matrices of
Machado, Oliveira and Fernandes (2009), "A physiologically-based model for simulation of
color vision deficiency", applied to linear RGB.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from ecosystem import Ecosystem
from ecosystem.taxonomy import DEFAULT_ROLES
from viz._style import FLOW_STYLES, OVERLAY_CYCLE, OVERLAY_STYLES, ROLE_COLORS, ROLE_PALETTES, \
    role_palette

MACHADO = {
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
}
SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]])
D65 = np.array([0.95047, 1.0, 1.08883])
#: Smallest CIEDE2000 distance between two role colours of one ring, in every vision.
MIN_ROLE_DISTANCE = 10.0
#: Smallest distance between a link colour (flow or overlay) and any role colour.
MIN_LAYER_DISTANCE = 15.0


def rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])


def linear(c):
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def encode(c):
    c = np.clip(c, 0, 1)
    return np.where(c <= 0.0031308, 12.92 * c, 1.055 * c ** (1 / 2.4) - 0.055)


def seen(hex_colour: str, vision: str) -> np.ndarray:
    c = rgb(hex_colour)
    return c if vision == "normal" else encode(MACHADO[vision] @ linear(c))


def lab(c: np.ndarray) -> np.ndarray:
    xyz = SRGB_TO_XYZ @ linear(c) / D65
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def ciede2000(lab1, lab2) -> float:
    (L1, a1, b1), (L2, a2, b2) = lab1, lab2
    C1, C2 = np.hypot(a1, b1), np.hypot(a2, b2)
    G = 0.5 * (1 - np.sqrt(((C1 + C2) / 2) ** 7 / (((C1 + C2) / 2) ** 7 + 25 ** 7)))
    a1p, a2p = (1 + G) * a1, (1 + G) * a2
    C1p, C2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p, h2p = np.degrees(np.arctan2(b1, a1p)) % 360, np.degrees(np.arctan2(b2, a2p)) % 360
    dh = 0.0 if C1p * C2p == 0 else (h2p - h1p + 180) % 360 - 180
    dH = 2 * np.sqrt(C1p * C2p) * np.sin(np.radians(dh / 2))
    Lm, Cm = (L1 + L2) / 2, (C1p + C2p) / 2
    if C1p * C2p == 0:
        hm = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hm = (h1p + h2p) / 2
    else:
        hm = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    T = (1 - 0.17 * np.cos(np.radians(hm - 30)) + 0.24 * np.cos(np.radians(2 * hm))
         + 0.32 * np.cos(np.radians(3 * hm + 6)) - 0.20 * np.cos(np.radians(4 * hm - 63)))
    SL = 1 + 0.015 * (Lm - 50) ** 2 / np.sqrt(20 + (Lm - 50) ** 2)
    SC, SH = 1 + 0.045 * Cm, 1 + 0.015 * Cm * T
    RT = -np.sin(np.radians(60 * np.exp(-((hm - 275) / 25) ** 2))) * 2 * np.sqrt(
        Cm ** 7 / (Cm ** 7 + 25 ** 7))
    dL, dC = L2 - L1, C2p - C1p
    return float(np.sqrt((dL / SL) ** 2 + (dC / SC) ** 2 + (dH / SH) ** 2
                         + RT * (dC / SC) * (dH / SH)))


@pytest.mark.parametrize("lab1, lab2, expected", [  # Sharma et al. (2005), Table 1
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, -1.3802, -84.2814), (50.0, 0.0, -82.7485), 1.0000),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((2.0776, 0.0795, -1.135), (0.9033, -0.0636, -0.5514), 0.9082),
])
def test_ciede2000_matches_the_published_pairs(lab1, lab2, expected):
    assert ciede2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)


def test_every_default_role_has_one_fixed_colour_in_its_ring_family():
    assert set(ROLE_COLORS) == set(DEFAULT_ROLES)
    assert len(set(ROLE_COLORS.values())) == len(ROLE_COLORS)
    spare = {c for colours in ROLE_PALETTES.values() for c in colours}
    assert not spare & set(ROLE_COLORS.values())


def test_a_role_keeps_its_colour_whichever_roles_are_present():
    eco = Ecosystem()
    alone = role_palette(eco, ["supplier"])
    with_others = role_palette(eco, ["manufacturer", "platform", "supplier"])
    assert alone == [with_others[2]] == [ROLE_COLORS["supplier"]]


@pytest.mark.parametrize("vision", ["normal", "deuteranopia", "protanopia"])
@pytest.mark.parametrize("ring", ["core", "sub_core", "outer"])
def test_roles_of_a_ring_are_told_apart(ring, vision):
    roles = [r for r, g in DEFAULT_ROLES.items() if g.value == ring]
    distances = {(a, b): ciede2000(lab(seen(ROLE_COLORS[a], vision)),
                                   lab(seen(ROLE_COLORS[b], vision)))
                 for a, b in itertools.combinations(roles, 2)}
    closest = min(distances, key=distances.get)
    assert distances[closest] >= MIN_ROLE_DISTANCE, (closest, distances[closest])


def test_link_colours_are_no_role_colour():
    layers = [s[0] for s in FLOW_STYLES.values()] + [s[0] for s in OVERLAY_STYLES.values()] \
        + [s[0] for s in OVERLAY_CYCLE]
    assert len(set(layers)) == len(layers)
    for layer in layers:
        nearest = min(ciede2000(lab(rgb(layer)), lab(rgb(c))) for c in ROLE_COLORS.values())
        assert nearest >= MIN_LAYER_DISTANCE, layer
