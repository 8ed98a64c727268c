"""The workbench sidebar's folding panels: each disclosure triangle on its heading's line."""

import pytest
from playwright.sync_api import expect

from tests.browser import test_workbench as workbench

codebook = workbench.codebook  # the default codebook, put back after each live-server flush


@pytest.fixture
def article(codebook, alice, sample_text):
    return workbench.make_article(sample_text, alice)


# How far below the heading's top the summary's own box reaches, in heading heights: a
# triangle on a line of its own above the heading makes the summary about two lines high.
ONE_LINE = 1.5


@pytest.mark.parametrize("panel", ["#codebook-panel", "details.suggestions", "#summary-panel"])
def test_it_puts_the_triangle_and_the_heading_of_a_panel_on_one_line(
    page, live_server, login, article, output_dir, panel
):
    login(page, live_server, "alice", "alice-password-1")
    workbench.open_workbench(page, live_server, article)
    summary = page.locator(f"{panel} > summary")
    expect(summary).to_be_visible()
    summary.scroll_into_view_if_needed()
    name = panel.strip("#").replace("details.", "")
    page.locator("aside.sidebar").screenshot(path=output_dir / f"sidebar-{name}.png")
    box = summary.bounding_box()
    heading = summary.locator("h2").bounding_box()
    assert box["height"] <= ONE_LINE * heading["height"], (box, heading)
    assert heading["y"] - box["y"] < heading["height"] / 2, (box, heading)
