"""Layouts that read well on a 390 px phone and a 1280 px desktop: what can be checked without a browser.

The browser check of every page at both widths is tests/test_e2e_layout.py.
"""

from __future__ import annotations

import re

import pytest

from lib.charts import make_activation_chart, make_contour_chart
from lib.choices import LESSON_ACTIVATIONS
from lib.descent2d import SURFACES, all_paths, surface_grid
from lib.graphs import computation_graph_dot, computation_graph_rows
from tests.conftest import ROOT
from tests.test_pages import open_page
from ui.nav import all_pages

# A chart in a third of a 1280 px page is ~280 px wide; Vega cuts a title line longer than its chart with "…".
# At the subtitle's 11 px that is about 40 characters; keep a margin.
LONGEST_SUBTITLE_LINE = 36


@pytest.mark.parametrize("name", LESSON_ACTIVATIONS)
def test_activation_chart_subtitles_fit_a_narrow_chart(name):
    import numpy as np

    x = np.linspace(-1, 1, 5)
    title = make_activation_chart(x, x, x, name).to_dict()["title"]
    lines = title["subtitle"] if isinstance(title["subtitle"], list) else [title["subtitle"]]
    assert all(len(line) <= LONGEST_SUBTITLE_LINE for line in lines), lines
    assert any("dashed" in line for line in lines) and any("solid" in line for line in lines)


@pytest.mark.parametrize("surface", list(SURFACES))
def test_the_2d_legend_names_every_optimizer_on_a_phone(surface):
    """Vega puts a bottom legend in one row and drops what does not fit: it must wrap, with labels never cut."""
    paths = all_paths(surface, SURFACES[surface].start, 0.01, 5)
    spec = make_contour_chart(surface_grid(surface, 10), paths, surface).to_dict()
    legends = [layer["encoding"]["color"].get("legend") for layer in spec["layer"] if "color" in layer["encoding"]]
    legends = [legend for legend in legends if legend]
    assert legends and all(legend.get("columns", 0) in (1, 2) and legend.get("labelLimit") == 0 for legend in legends)


def test_the_computation_graph_has_a_text_form_with_every_node_and_edge():
    from lib.backprop import NeuronExperiment

    experiment = NeuronExperiment("adam", 0.1, 0)
    values, gradient = experiment.point_values(2), experiment.tape_gradient()
    dot, rows = computation_graph_dot(values, gradient), computation_graph_rows(values, gradient)
    edges = re.findall(r"^  \w+ -> \w+", dot, re.M)
    assert len(rows) == len(edges)
    node_labels = [label.replace("\\n", " ") for label in re.findall(r'^  \w+ \[label="(.*?)", shape', dot, re.M)]
    in_rows = {row["from"] for row in rows} | {row["into"] for row in rows}
    assert in_rows == set(node_labels)  # every value the graph shows, and nothing else
    derivatives = re.findall(r'-> \w+ \[label="(.*?)"\]', dot)
    assert [row["local derivative"] for row in rows if row["local derivative"] != "—"] == derivatives


def _slider_labels(at) -> list[str]:
    return [slider.label for slider in at.slider]


def test_slider_grids_keep_their_reading_order_when_they_stack():
    """On a phone a grid stacks in the order its sliders come in the page's tree: that must be reading order."""
    logits = [label for label in _slider_labels(open_page("pages/activations.py")) if label.startswith("logit z")]
    assert logits == [f"logit z{i}" for i in range(5)]
    logits = [label for label in _slider_labels(open_page("pages/losses.py")) if label.startswith("logit of")]
    assert logits == [f"logit of {d}" for d in range(10)]


def test_page_links_keep_their_summary_out_of_the_one_line_label():
    at = open_page("pages/home.py")
    labels = [link.proto.label for link in at.get("page_link")]
    summaries = [spec.summary for spec in all_pages() if spec.path != "pages/home.py"]
    assert labels and all(" — " not in label for label in labels)
    captions = [caption.value for caption in at.caption]
    assert all(summary in captions for summary in summaries)


def test_no_caption_says_left_or_right_of_panels_that_stack_on_a_phone():
    """Side-by-side columns stack on a phone; a caption naming 'left'/'right' panels is then wrong."""
    pattern = re.compile(r"\b(Left|Right):|\bon the (left|right)\b|\b(left|right) (chart|panel|picture)\b")
    offenders = [
        f"{path.relative_to(ROOT)}: {line.strip()}"
        for path in [*ROOT.glob("pages/*.py"), *ROOT.glob("ui/**/*.py"), *ROOT.glob("lib/**/*.py")]
        for line in path.read_text().splitlines()
        if pattern.search(line)
    ]
    assert offenders == []


def test_key_table_columns_come_first_so_a_phone_shows_them():
    """A phone shows a table's first three columns or so: the network's formula, the neuron's values now."""
    from lib.backprop import NeuronExperiment
    from lib.backprop_text import params_table

    experiment = NeuronExperiment("adam", 0.1, 0)
    experiment.train(3)
    assert list(params_table(experiment))[:3] == ["", "target", "after 3 epochs"]
    at = open_page("pages/network.py")
    assert list(at.dataframe[0].proto.column_order)[:3] == ["Layer", "Parameters", "Formula"]


def test_the_2d_table_headers_are_short_enough_for_all_columns_to_fit_a_desktop_page():
    """Seven columns in a ~820 px page: a header over ~17 characters widened its column past the page's edge and
    the last header was cut ("steps where the loss ro…")."""
    from lib.descent2d import path_table

    rows = path_table("elongated bowl", all_paths("elongated bowl", SURFACES["elongated bowl"].start, 0.1, 5), 5)
    assert all(len(header) <= 17 for header in rows[0]), list(rows[0])
