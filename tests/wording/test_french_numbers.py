"""French numbers in words: the same words as num2words, without importing it in a render."""

from __future__ import annotations

import random
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from num2words import num2words

from drafting_app.wording.french_numbers import french_words
from drafting_app.wording.render import Formats

REPO = Path(__file__).resolve().parents[2]
LIMIT = 10**15  # VALUE_LIMIT: the largest number a document can hold

# The rules, written out: what a reader of a contract sees.
NAMED = [
    (0, "zéro"),
    (1, "un"),
    (16, "seize"),
    (17, "dix-sept"),
    (21, "vingt et un"),
    (22, "vingt-deux"),
    (61, "soixante et un"),
    (70, "soixante-dix"),
    (71, "soixante et onze"),
    (77, "soixante-dix-sept"),
    (80, "quatre-vingts"),
    (81, "quatre-vingt-un"),
    (90, "quatre-vingt-dix"),
    (91, "quatre-vingt-onze"),
    (99, "quatre-vingt-dix-neuf"),
    (100, "cent"),
    (101, "cent un"),
    (121, "cent vingt et un"),
    (180, "cent quatre-vingts"),
    (200, "deux cents"),
    (201, "deux cent un"),
    (280, "deux cent quatre-vingts"),
    (833, "huit cent trente-trois"),
    (1000, "mille"),
    (1001, "mille un"),
    (1080, "mille quatre-vingts"),
    (1200, "mille deux cents"),
    (2000, "deux mille"),
    (21_000, "vingt et un mille"),
    (80_000, "quatre-vingt mille"),
    (81_000, "quatre-vingt-un mille"),
    (101_000, "cent un mille"),
    (200_000, "deux cent mille"),
    (280_000, "deux cent quatre-vingt mille"),
    (300_080, "trois cent mille quatre-vingts"),
    (1_000_000, "un million"),
    (1_001_000, "un million mille"),
    (1_200_000, "un million deux cent mille"),
    (1_200_080, "un million deux cent mille quatre-vingts"),
    (2_000_000, "deux millions"),
    (80_000_000, "quatre-vingts millions"),
    (200_000_000, "deux cents millions"),
    (201_000_000, "deux cent un millions"),
    (200_000_080, "deux cents millions quatre-vingts"),
    (1_000_000_000, "un milliard"),
    (1_200_000_000, "un milliard deux cents millions"),
    (2_000_000_000, "deux milliards"),
    (10**12, "un billion"),
    (2 * 10**12, "deux billions"),
    (LIMIT - 1, "neuf cent quatre-vingt-dix-neuf billions neuf cent quatre-vingt-dix-neuf "
                "milliards neuf cent quatre-vingt-dix-neuf millions neuf cent "
                "quatre-vingt-dix-neuf mille neuf cent quatre-vingt-dix-neuf"),
    (LIMIT, "un billiard"),
    (-1, "moins un"),
    (-80, "moins quatre-vingts"),
    (-LIMIT, "moins un billiard"),
]


@pytest.mark.parametrize(("number", "words"), NAMED)
def test_named_numbers_in_french_and_as_num2words_writes_them(number: int, words: str) -> None:
    assert french_words(number) == words
    assert num2words(number, lang="fr") == words


def test_every_number_up_to_ten_thousand_as_num2words() -> None:
    # num2words needs ~130 µs a number here: 0..100 000 would take 13 s, so 0..10 000
    # (every group below a thousand, and the thousands) plus the sweeps below
    wrong = [n for n in range(10_001) if french_words(n) != num2words(n, lang="fr")]
    assert wrong == []


def test_every_group_at_every_scale_as_num2words() -> None:
    # each group 0..999 as thousands, millions, milliards and billions, once alone and once
    # after a larger group and before a smaller one (plural or not, `un` or not)
    numbers = [group * 1000**power + tail
               for power in range(1, 5) for group in range(1000)
               for tail in (0, 1000**power + 80 if power < 4 else 201 * 1000**3 + 80)]
    wrong = [n for n in numbers if french_words(n) != num2words(n, lang="fr")]
    assert wrong == []


def test_a_random_sample_of_every_magnitude_as_num2words() -> None:
    rng = random.Random(20260412)
    numbers = [rng.randrange(10 ** digits, 10 ** (digits + 1))
               for digits in range(15) for _ in range(150)]
    numbers += [-n for n in numbers[::3]]
    wrong = [n for n in numbers if french_words(n) != num2words(n, lang="fr")]
    assert wrong == []


def test_a_number_beyond_the_scales_is_refused() -> None:
    assert french_words(10**18 - 1).startswith("neuf cent quatre-vingt-dix-neuf billiards")
    with pytest.raises(ValueError, match="trop grand"):
        french_words(10**18)


@pytest.mark.parametrize(("amount", "words"), [
    ("12500", "douze mille cinq cents euros"),
    ("1000000", "un million d’euros"),
    ("1.50", "un euro et cinquante centimes"),
    ("80000", "quatre-vingt mille euros"),
    ("200000000", "deux cents millions d’euros"),
    ("2000000000", "deux milliards d’euros"),
    ("71.81", "soixante et onze euros et quatre-vingt-un centimes"),
    ("3000000000000", "trois billions d’euros"),  # « de » before every scale noun
    ("1000000000000000", "un billiard d’euros"),
    ("1000000000001", "un billion un euros"),
])
def test_amounts_in_words_are_unchanged(amount: str, words: str) -> None:
    assert Formats().amount_in_words(Decimal(amount)) == words


def test_words_in_another_locale_still_ask_num2words() -> None:
    assert Formats("en_GB").words(21) == "twenty-one"
    with pytest.raises(ValueError, match="trop grand"):
        Formats().words(Decimal(LIMIT) + 1)


RENDER_IN_FRENCH = """
import sys
from pathlib import Path
from drafting_app.documents.text import blocks_to_text
from drafting_app.dossier.storage import load_dossier
from drafting_app.wording.library import load_library
from drafting_app.wording.render import Formats, Renderer, make_environment

env = make_environment(Formats())
library, problems = load_library(Path("clause_library"), env)
assert not problems, problems
renderer = Renderer(library, env)
for name in ("convention_tiers_lieu.json", "cpo_region_accompagnement_ess.json"):
    dossier = load_dossier(Path("examples") / name)
    for skeleton in library.documents_for(dossier.kind):
        print(blocks_to_text(renderer.render_document(skeleton, dossier).blocks))
print("num2words" in sys.modules)
"""


def test_a_french_render_does_not_import_num2words() -> None:
    result = subprocess.run([sys.executable, "-c", RENDER_IN_FRENCH], capture_output=True,
                            text=True, cwd=REPO, check=True, timeout=120)
    *text, imported = result.stdout.strip().splitlines()
    rendered = "\n".join(text)
    # the words of these conventions: an amount (`amount_in_words`), years of control (`words`)
    assert "(trente-cinq mille euros)" in rendered
    assert "pendant trois ans après son terme" in rendered
    assert imported == "False"
