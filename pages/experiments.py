"""Experiments: where a learning rate stops working, and whether a change beats seed-to-seed noise."""

from ui.router import through_the_router

through_the_router()  # first, before anything slow loads

# isort: split
import streamlit as st

from lib.lab.config import TrainConfig
from lib.lab.experiments import experiments_ending, sweep_configs, sweep_exponents, sweep_rates
from lib.lab.jobs import JOB_QUEUE
from lib.lab.runs import SETTING_NAMES, setting_text
from lib.lab.series import SeriesOfRuns
from lib.lab.twins import TWIN_CHOICES, b_choices, rate_note, twin_configs, twin_labels, twin_verdict
from ui.common import require_mnist, visitor_id
from ui.lab.series import series_progress, series_results
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


TABS = ["Learning-rate sweep", "Twin runs"]  # a link to twin settings opens on the twins tab
opens = TABS[1] if any(k.startswith(("experiments_setting", "experiments_value")) for k in incoming) else TABS[0]
sweep_tab, twins_tab = st.tabs(TABS, default=opens, key="experiments_tab", on_change="rerun", bind="query-params")
with sweep_tab:
    cols = st.columns(4)
    optimizer = optimizer_selectbox(cols[0], "experiments_optimizer", disabled=busy)
    low, high = cols[1].slider(
        "10^ from … to", *sweep_exponents(), (-5, 1), key="experiments_range", disabled=busy, **BOUND
    )
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
        list(TWIN_CHOICES),
        format_func=SETTING_NAMES.get,
        key="experiments_setting",
        disabled=busy,
        **BOUND,
    )
    a_config = TrainConfig(epochs=1)  # A: the notebook's settings

    def spell_value(v) -> str:  # B's value as the picker and the link spell it
        return "another seed" if v is None else setting_text(setting, v)

    value = cols[1].selectbox(
        f"B's value (A: {setting_text(setting, getattr(a_config, setting)) if setting != 'seed' else 'seed 0, 1, …'})",
        b_choices(setting, a_config),
        format_func=spell_value,
        key=f"experiments_value_{setting}",
        disabled=busy,
        **BOUND,
    )
    seeds = cols[2].slider("Seeds", 2, 5, 3, key="experiments_seeds", disabled=busy, **BOUND)
    twin_share = cols[3].slider(
        "Share of the images (%)", 1, 20, 2, key="experiments_twin_share", disabled=busy, **BOUND
    )
    if rate_note(setting, value, a_config):
        st.caption(rate_note(setting, value, a_config))
    if st.button("Run the twins", type="primary", key="experiments_twins_button", disabled=busy):
        base = TrainConfig(epochs=1, data_fraction=twin_share / 100)
        configs = twin_configs(base, setting, value, list(range(seeds)))
        start("twins", configs, {"labels": twin_labels(setting, value, a_config)})

if st.button("Stop", icon=":material/stop:", key="experiments_stop_button", disabled=not busy):
    series.stop()


series_progress(busy)
meta = st.session_state.get("experiments_meta", {})
series_results(series, meta)

st.header("What you did, and what to try next")
finished_series = series is not None and not series.active
kind = meta.get("kind") if finished_series else None
outcomes = series.outcomes if finished_series else []
verdict = twin_verdict(outcomes) if kind == "twins" else None
did, try_next = experiments_ending(kind, outcomes, verdict, len(series.configs) if finished_series else 0)
st.markdown(f"**You:** {did}  \n**Next:** {try_next}")
st.page_link("pages/train.py", label="Next: **Train MNIST**", icon=":material/model_training:")
st.caption("Take what you found back to the lab.")  # a caption wraps on a phone; a link's label is cut

link_end(
    incoming,
    {**EXPERIMENTS_LINK, f"experiments_value_{setting}": ("B's value", spell_value), "experiments_tab": ("tab", str)},
)
