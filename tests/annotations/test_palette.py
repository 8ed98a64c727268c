"""Pure: every highlight colour the stylesheet can put behind or under the text meets WCAG AA.

Read from static/css/newsdesk.css itself, so a colour changed there is checked here:
the text (ink) on every entity tint, the current-tag and suggestion backgrounds must reach
4.5:1 (WCAG 1.4.3, normal text); the category underlines, being the only mark of a tag, must
reach 3:1 (WCAG 1.4.11, non-text) against the paper and every background they can sit on.
"""

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[2] / "static" / "css" / "newsdesk.css").read_text()


def variable(name: str) -> str:
    (value,) = re.findall(rf"--{name}:\s*(#[0-9a-fA-F]{{6}})\s*;", CSS)
    return value


def backgrounds() -> dict[str, str]:
    """Each rule of the article text that sets a background colour: selector → colour."""
    found = {}
    for selector, colour in re.findall(
        r"([^{}]*\.(?:ent-[A-Z_]+|is-current|is-marked|is-cursor|kbd-selection)[^{}]*)\{\s*"
        r"background(?:-color)?:\s*(#[0-9a-fA-F]{6})",
        CSS,
    ):
        found[" ".join(selector.split())] = colour
    return found


def luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_contrast_formula_is_wcags():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_it_reads_every_entity_tint_and_the_current_tag():
    found = backgrounds()
    assert len([s for s in found if ".ent-" in s]) >= 7
    assert any(".is-current" in s for s in found)


@pytest.mark.parametrize(("selector", "colour"), sorted(backgrounds().items()))
def test_text_on_every_highlight_background_meets_aa(selector, colour):
    assert contrast(variable("ink"), colour) >= 4.5, selector


CATEGORIES = ["claim", "source", "framing"]


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_category_underline_stands_out_from_every_background(category):
    under = variable(category)
    for name, colour in {"paper": variable("paper"), **backgrounds()}.items():
        assert contrast(under, colour) >= 3.0, f"--{category} {under} on {name} {colour}"


@pytest.mark.parametrize("category", CATEGORIES)
def test_category_colours_as_text_meet_aa_on_the_panel(category):
    # The sidebar and editor write category names in plain ink, but the colours also mark
    # chips and row edges on white panels: keep them strong enough to read as text.
    assert contrast(variable(category), variable("panel")) >= 4.5
