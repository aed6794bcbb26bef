"""Deterministic option order per respondent: shuffle, rotate or reverse, anchors fixed.

The order depends only on the seed (e.g. the response token), the question variable and the
codes, through SHA-256, so it is the same on every page load, in every process and across Python
versions, and a browser could reproduce it. Shuffling sorts the movable codes by a hash of
(seed, question, code), so adding an option later does not reorder the existing ones.
"""

from __future__ import annotations

import hashlib

from .spec import RANDOMIZE_MODES, is_anchored


def _digest(*parts) -> bytes:
    return hashlib.sha256('\x1f'.join(str(part) for part in parts).encode('utf-8')).digest()


def order_codes(items: list, mode: str | None, seed: str, key: str) -> list:
    """The codes of ``items`` in presentation order.

    Parameters
    ----------
    items : list of dict
        Options or rows (``code`` and ``settings``), in the order the researcher set.
    mode : {None, 'shuffle', 'rotate', 'reverse'}
        None keeps the order; 'rotate' starts the list at a seed-chosen item; 'reverse' shows
        half of the respondents (by seed) the reversed list, as for scale-order effects.
    seed : str
        Stable per respondent.
    key : str
        Distinguishes lists of the same respondent (question variable and options/rows).
    """
    if mode not in RANDOMIZE_MODES:
        raise ValueError(f'unknown randomisation {mode!r}; use one of {RANDOMIZE_MODES}')
    codes = [item['code'] for item in items]
    free_slots = [index for index, item in enumerate(items) if not is_anchored(item)]
    movable = [codes[index] for index in free_slots]
    if mode is None or len(movable) < 2:
        return codes
    if mode == 'shuffle':
        movable.sort(key=lambda code: _digest(seed, key, code))
    elif mode == 'rotate':
        offset = int.from_bytes(_digest(seed, key)[:8], 'big') % len(movable)
        movable = movable[offset:] + movable[:offset]
    elif _digest(seed, key)[0] % 2:
        movable.reverse()
    ordered = list(codes)
    for slot, code in zip(free_slots, movable):
        ordered[slot] = code
    return ordered


def check_order(order, codes: list, what: str) -> list:
    """``order`` (a caller-given list of codes) validated as a permutation of ``codes``."""
    if order is None:
        return list(codes)
    order = list(order)
    if sorted(order) != sorted(codes):
        raise ValueError(f'{what} order {order!r} is not a permutation of the codes {codes!r}')
    return order
