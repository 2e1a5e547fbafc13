"""The catalogues use the glossary (data/i18n/glossary.csv) consistently (DESIGN §8): where an
English entry names a key term, its translation carries the term's stem."""

from __future__ import annotations

import csv
import re
from collections import defaultdict

import pytest
from babel.messages.pofile import read_po

from atlas.i18n.catalogue import po_path
from tests.i18n.test_glossary import GLOSSARY

#: The share of entries naming a term whose translation must carry its stem. Not all of them:
#: "map" is also a verb ("map a column"), "report" too, and a term inside a code or a field
#: name (`settlement_id`, {cluster}) stays English.
AT_LEAST = 0.85
_CODE = re.compile(r"`[^`]*`|\{[^}]*\}|--[a-z-]+|'[a-z_]+'|Settlement Atlas")


def _terms(code: str) -> dict[str, str]:
    with GLOSSARY.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["language"] == code]
    return {r["term"]: r["stem"].lower() for r in rows}


@pytest.mark.parametrize("code", ["zu", "xh", "st", "nso", "af"])
def test_translations_carry_the_glossary_stems(code: str) -> None:
    with po_path(code).open("rb") as handle:
        catalog = read_po(handle, locale=code)
    terms = _terms(code)
    used: dict[str, list[bool]] = defaultdict(list)
    for message in catalog:
        if not message.id or not message.string:
            continue
        english = _CODE.sub(" ", message.id if isinstance(message.id, str) else message.id[-1])
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        own = " ".join(strings).lower()
        for term, stem in terms.items():
            if re.search(rf"\b{re.escape(term)}s?\b", english, re.IGNORECASE):
                used[term].append(stem in own)
    checked = sum(len(v) for v in used.values())
    carried = sum(sum(v) for v in used.values())
    assert checked > 200
    worst = sorted(used, key=lambda t: sum(used[t]) / len(used[t]))[:5]
    assert carried >= AT_LEAST * checked, (
        f"{code}: {carried} of {checked} entries naming a glossary term carry its stem; the "
        f"least consistent terms: {[(t, sum(used[t]), len(used[t])) for t in worst]}"
    )
