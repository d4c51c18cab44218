"""Compare your runs: the overlay keeps the learner's choice as runs are added (new runs join it), the settings
that differ come first in the table, and a run without an accuracy shows a word, not 'None'."""

from dataclasses import replace
from types import SimpleNamespace

import numpy as np

from lib.lab.config import TrainConfig
from lib.lab.jobs import History
from lib.lab.runs import SETTING_NAMES, differing_settings, overlay_selection, run_record, shown_table, table_columns


def test_overlay_selection_grid():
    """Every earlier choice (all subsets of 1 to 6 runs) × runs added 0..3: 126 × 4 = 504 cases, against: what
    was chosen stays chosen, every new run joins, nothing else appears."""
    count = 0
    for seen in range(1, 7):
        for mask in range(1 << seen):
            chosen = [n for n in range(1, seen + 1) if mask >> (n - 1) & 1]
            for added in range(4):
                total = seen + added
                got = overlay_selection(chosen, seen, total)
                assert set(got) == set(chosen) | set(range(seen + 1, total + 1)) and len(got) == len(set(got))
                count += 1
    assert count == sum(1 << s for s in range(1, 7)) * 4 == 504
    assert overlay_selection(None, 0, 8) == [4, 5, 6, 7, 8]  # the first time: the last five
    assert overlay_selection([1, 3], 3, 1) == [1]  # after "Clear my runs", numbers that no longer exist go


def test_the_settings_that_differ_come_first():
    configs = [TrainConfig(), TrainConfig(learning_rate=0.01), TrainConfig(learning_rate=0.01, seed=3)]
    assert differing_settings(configs) == ["learning_rate", "seed"]
    columns = table_columns(configs)
    assert columns[:5] == ["run", "test accuracy", "training accuracy", "validation accuracy", "outcome"]
    assert columns[5:7] == ["learning rate", "seed"]
    assert set(columns[7:-2]) == set(SETTING_NAMES.values()) - {"learning rate", "seed"}


def fake_run(number: int, config: TrainConfig, accuracy: float | None, state: str = "finished") -> dict:
    steps = 20
    history = History(list(np.linspace(2.3, 0.5, steps)), list(np.linspace(0.1, 0.9, steps)))
    snap = SimpleNamespace(history=history, state=state, training_accuracy=accuracy, elapsed_s=1.0, device="CPU")
    result = None if accuracy is None else SimpleNamespace(accuracy=accuracy)
    return {
        "id": 10_000 + number,
        "job": None,
        "config": config,
        "record": run_record(config, snap, result),
        "history": history.compact(),
        "steps": steps,
    }


def test_a_failed_run_shows_a_word_not_none():
    runs = [fake_run(1, TrainConfig(), 0.97), fake_run(2, TrainConfig(learning_rate=10.0), None, "diverged")]
    table = shown_table([r["record"] for r in runs], [r["config"] for r in runs])
    assert table["test accuracy"].tolist() == ["97.00%", "none (diverged)"]
    assert table["validation accuracy"].tolist() == ["none held out", "none held out"]
    assert "None" not in table.astype(str).to_string()


def test_compare_your_runs_keeps_its_overlay_as_runs_are_added():
    """It went blank after the second run: the picker's labels change as runs are added, so its value emptied."""
    from tests.test_pages import open_page

    at = open_page("pages/train.py")
    first = TrainConfig(epochs=1, data_fraction=0.01)
    at.session_state["train_runs"] = [fake_run(1, first, 0.8)]
    at.run()
    assert at.multiselect(key="train_overlay_runs").value == [1]
    at.session_state["train_runs"] = [fake_run(1, first, 0.8), fake_run(2, replace(first, learning_rate=0.01), 0.85)]
    at.run()
    assert not at.exception
    assert at.multiselect(key="train_overlay_runs").value == [1, 2]  # the new run joined, the old one stayed
    at.multiselect(key="train_overlay_runs").unselect(1).run()
    at.session_state["train_runs"] = at.session_state["train_runs"] + [fake_run(3, replace(first, seed=5), 0.82)]
    at.run()
    assert at.multiselect(key="train_overlay_runs").value == [2, 3]  # the learner's choice kept, run 3 added
