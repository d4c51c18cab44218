"""Experiments: where a learning rate stops working, and whether a change beats seed-to-seed noise."""

from ui.router import through_the_router

through_the_router()  # first, before anything slow loads

# isort: split
import streamlit as st

from lib.choices import OPTIMIZERS
from lib.lab.charts import make_sweep_chart, make_twins_chart
from lib.lab.config import TrainConfig
from lib.lab.experiments import (
    ZONE_NOTE,
    SeriesOfRuns,
    describe_zones,
    sweep_configs,
    sweep_rates,
    twin_configs,
    twin_table,
    twin_verdict,
)
from lib.lab.jobs import JOB_QUEUE
from lib.lab.runs import SETTING_NAMES, setting_text
from ui.common import require_mnist, visitor_id
from ui.links import BOUND, EXPERIMENTS_LINK, link_end, link_start
from ui.widgets import optimizer_selectbox

st.title("Experiments")
st.markdown(
    "One run says little: a different seed gives a slightly different result. These experiments run the network "
    "several times, through the same queue as every run, and read the answer off all of them."
)
incoming = link_start()
mnist = require_mnist()
series: SeriesOfRuns | None = st.session_state.get("experiments_series")
busy = series is not None and series.active


def start(kind: str, configs: list[TrainConfig], meta: dict) -> None:
    if JOB_QUEUE.owner_busy(visitor_id()):
        st.warning("You already have a run waiting or training: stop it first.", icon=":material/tab:")
        return
    st.session_state["experiments_series"] = SeriesOfRuns(configs, mnist, owner=visitor_id()).start()
    st.session_state["experiments_meta"] = {"kind": kind, **meta}
    st.rerun()


sweep_tab, twins_tab = st.tabs(["Learning-rate sweep", "Twin runs"])
with sweep_tab:
    cols = st.columns(4)
    optimizer = optimizer_selectbox(cols[0], "experiments_optimizer", disabled=busy)
    low, high = cols[1].slider("10^ from … to", -6, 2, (-5, 1), key="experiments_range", disabled=busy, **BOUND)
    points = cols[2].slider("Points", 7, 13, 7, key="experiments_points", disabled=busy, **BOUND)
    share = cols[3].slider("Share of the images (%)", 1, 20, 2, key="experiments_share", disabled=busy, **BOUND)
    rates = sweep_rates(low, high, points)
    st.caption("Learning rates: " + ", ".join(f"{r:g}" for r in rates) + ". One epoch each.")
    if st.button("Run the sweep", type="primary", key="experiments_sweep_button", disabled=busy):
        base = TrainConfig(epochs=1, data_fraction=share / 100)
        start("sweep", sweep_configs(base, optimizer, rates), {"optimizer": optimizer})
with twins_tab:
    st.markdown(
        "Run **A** and run **B** start from the *same* initial weights and see the *same* batch order; they differ "
        "in exactly one setting. Repeat over several seeds to see whether the difference beats the noise."
    )
    cols = st.columns(4)
    setting = cols[0].selectbox(
        "The one difference",
        ["learning_rate", "optimizer", "hidden_activation", "seed"],
        format_func=SETTING_NAMES.get,
        key="experiments_setting",
        disabled=busy,
        **BOUND,
    )
    choices = {
        "learning_rate": [0.0001, 0.001, 0.01, 0.1],
        "optimizer": list(OPTIMIZERS),
        "hidden_activation": ["relu", "tanh", "sigmoid", "linear"],
        "seed": [None],
    }[setting]

    def spell_value(v) -> str:  # B's value as the picker and the link spell it
        return "another seed" if v is None else setting_text(setting, v)

    value = cols[1].selectbox(
        "B's value (A: the notebook's)",
        choices,
        format_func=spell_value,
        key=f"experiments_value_{setting}",
        disabled=busy,
        **BOUND,
    )
    seeds = cols[2].slider("Seeds", 2, 5, 3, key="experiments_seeds", disabled=busy, **BOUND)
    twin_share = cols[3].slider(
        "Share of the images (%)", 1, 20, 2, key="experiments_twin_share", disabled=busy, **BOUND
    )
    if st.button("Run the twins", type="primary", key="experiments_twins_button", disabled=busy):
        base = TrainConfig(epochs=1, data_fraction=twin_share / 100)
        label_b = "B: another seed" if value is None else f"B: {SETTING_NAMES[setting]} {setting_text(setting, value)}"
        start(
            "twins", twin_configs(base, setting, value, list(range(seeds))), {"labels": ("A: the notebook's", label_b)}
        )

if st.button("Stop", icon=":material/stop:", key="experiments_stop_button", disabled=not busy):
    series.stop()


@st.fragment(run_every=1.0 if busy else None)
def progress() -> None:
    series = st.session_state.get("experiments_series")
    if series is None:
        return
    series.touch()
    done, total = len(series.outcomes), len(series.configs)
    current = "" if series.current is None or not series.active else f" · now: {series.current.snapshot().state}"
    st.progress(done / total, text=f"{done} of {total} runs done{current}")
    if not series.active and st.session_state.get("experiments_drawn") is not series:
        st.session_state["experiments_drawn"] = series
        st.rerun(scope="app")


progress()
meta = st.session_state.get("experiments_meta", {})
if series is not None and not series.active and series.outcomes:
    outcomes = series.outcomes
    if meta.get("kind") == "sweep":
        st.altair_chart(make_sweep_chart(outcomes, OPTIMIZERS[meta["optimizer"]].default_lr), width="stretch")
        st.markdown(describe_zones(outcomes))
        st.caption(ZONE_NOTE)
    elif len(outcomes) >= 2:
        st.altair_chart(make_twins_chart(outcomes, meta["labels"]), width="stretch")
        percent = st.column_config.NumberColumn(format="percent")
        table = twin_table(outcomes)
        st.dataframe(table, hide_index=True, column_config={c: percent for c in table if "accuracy" in c})
        st.info(twin_verdict(outcomes).sentence, icon=":material/balance:")

link_end(incoming, {**EXPERIMENTS_LINK, f"experiments_value_{setting}": ("B's value", spell_value)})
