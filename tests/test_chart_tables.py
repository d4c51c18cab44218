"""Where a chart carries numbers a learner may want exactly, a folded table beside it holds them: every run of a
sweep with its exact numbers (an empty cell where the chart places a run at an edge), the very points the twins
chart and the run comparison draw, every point of a descent path at its true position."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_a11y import expander_labels
from tests.test_pages import open_page


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([1e-4, 1e-3, 1e-2, 0.1, 1.0, 10.0]),
            st.one_of(st.none(), st.just(float("inf")), st.just(float("nan")), st.floats(1e-3, 5.0)),
            st.one_of(st.none(), st.floats(0.0, 1.0)),
            st.sampled_from(["finished", "stopped", "diverged", "cancelled"]),
        ),
        min_size=1,
        max_size=9,
    )
)
def test_the_sweep_table_keeps_every_run_with_its_exact_numbers(runs):
    from lib.lab.experiment_charts import sweep_table
    from tests.test_experiments import outcome

    table = sweep_table([outcome(*run) for run in runs])
    assert len(table) == len(runs)  # every run a row, none dropped
    for (rate, loss, accuracy, state), row in zip(runs, table.to_dict("records"), strict=True):
        assert row["learning rate"] == rate and row["run ended"] == state
        shown_loss, shown_accuracy = row["mean training loss, last epoch"], row["test accuracy"]
        if loss is None or not np.isfinite(loss):
            assert shown_loss is None or np.isnan(shown_loss)  # left empty, never a placed value
        else:
            assert shown_loss == pytest.approx(loss, abs=1e-12)
        if accuracy is None:
            assert shown_accuracy is None or np.isnan(shown_accuracy)
        else:
            assert shown_accuracy == pytest.approx(accuracy, abs=1e-12)


def test_tables_beside_charts_hold_what_the_chart_draws():
    from lib.chart_tables import path_points_table
    from lib.charts import make_contour_chart
    from lib.lab.charts import make_runs_overlay_chart, overlay_frame
    from lib.lab.experiment_charts import make_twins_chart, twins_frame
    from lib.lab.jobs import History
    from tests.test_experiments import outcome

    rng = np.random.default_rng(0)
    twins = [outcome(0.01, 0.3, 0.9) for _ in range(4)]
    for o in twins:
        o.batch_loss.extend(rng.uniform(0.1, 2.0, 400).tolist())
    drawn = make_twins_chart(twins, ("A", "B")).to_dict()
    table = twins_frame(twins, ("A", "B"))
    assert [len(v) for v in drawn["datasets"].values()] == [len(table)]
    history = History()
    history.batch_loss.extend(rng.uniform(0.1, 2.0, 900).tolist())
    history.batch_accuracy.extend(rng.uniform(0.0, 1.0, 900).tolist())
    runs = [("run 1", history, 300), ("run 2", history, 150)]
    drawn = make_runs_overlay_chart(runs, "loss").to_dict()
    assert [len(v) for v in drawn["datasets"].values()] == [len(overlay_frame(runs, "loss"))] == [600]
    paths = {"SGD": np.array([[0.0, 0.0], [50.0, -80.0], [1.0, 1.0]]), "Adam": np.array([[0.5, 0.5]])}
    table = path_points_table(paths)
    assert len(table) == 4 and table.loc[1, "parameter 1"] == 50.0 and table.loc[1, "parameter 2"] == -80.0
    grid = {"x": np.repeat(np.linspace(-2, 2, 5), 5), "y": np.tile(np.linspace(-2, 2, 5), 5), "loss": np.ones(25)}
    assert "SGD" in make_contour_chart(grid, paths, "a bowl").to_dict()["description"]


def test_the_lessons_data_charts_have_their_numbers_as_a_table_beside_them():
    expected = {
        "pages/descent.py": ["Each step's gradient and update", "Every point of each path, as a table"],
        "pages/losses.py": ["The data as a table"],
    }
    for path, labels in expected.items():
        at = open_page(path)
        for label in labels:
            assert label in expander_labels(at), (path, label)
    at = open_page("pages/backprop.py")
    assert "The data as a table" not in expander_labels(at)  # nothing trained, no curve yet
    at.button(key="backprop_train_button").click().run()
    assert "The data as a table" in expander_labels(at)
