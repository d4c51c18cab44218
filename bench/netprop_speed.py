"""How fast "Backprop through the network" reruns on the server when the learner changes the batch or the network,
once warm (both predictions locked in, so the whole page is drawn). Each rerun is timed in-process with Streamlit's
AppTest: the script run the server would do, without the browser. The last line printed is one JSON object.

    python bench/netprop_speed.py          # new batches, revisited batches, other untrained and the trained network
    python bench/netprop_speed.py --quick  # without the notebook's trained network (no training)
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.test_pages import answer_gate, open_page, route_like_a_server  # noqa: E402

TARGET_S = 0.3


def timed(at, widget, value) -> float:
    start = time.perf_counter()
    widget.set_value(value).run()
    elapsed = time.perf_counter() - start
    assert not at.exception, [e.value for e in at.exception]
    return elapsed


def main(quick: bool) -> dict:
    route_like_a_server()  # as the test suite does: pages run through the router, gates and all
    at = open_page("pages/backprop_network.py")
    answer_gate(at, "netprop_negative", "only the true digit's")
    answer_gate(at, "netprop_off", "exactly 0: nothing flows back through it")
    assert len(at.header) == 5, "the whole page must be drawn"
    timed(at, at.number_input(key="netprop_batch"), 1)  # warm: the first rerun after the gates
    from ui.common import _warm_lessons

    _warm_lessons().join()  # the server's own warm-up, done in the background, has finished: a warm server
    new_batch = [timed(at, at.number_input(key="netprop_batch"), b) for b in range(2, 12)]
    revisit = [timed(at, at.number_input(key="netprop_batch"), b) for b in [2, 5, 8, 3, 6, 9]]
    new_network = [timed(at, at.number_input(key="netprop_seed"), s) for s in range(1, 7)]
    result = {
        "target_s": TARGET_S,
        "new_batch_median_s": round(statistics.median(new_batch), 3),
        "new_batch_max_s": round(max(new_batch), 3),
        "revisited_batch_median_s": round(statistics.median(revisit), 3),
        "new_untrained_network_median_s": round(statistics.median(new_network), 3),
    }
    if not quick:
        network = at.selectbox(key="netprop_network")
        network.set_value("notebook").run()
        deadline = time.monotonic() + 900
        while len(at.header) < 5 and time.monotonic() < deadline:  # the shared network trains once per server
            time.sleep(2)
            at.run()
        answer_gate(at, "netprop_negative", "only the true digit's")
        answer_gate(at, "netprop_off", "exactly 0: nothing flows back through it")
        switches = [timed(at, at.selectbox(key="netprop_network"), choice) for choice in ["untrained", "notebook"] * 3]
        result["switch_trained_untrained_median_s"] = round(statistics.median(switches), 3)
    reference = open_page("pages/learning.py")  # another lesson's rerun, measured in the same process: the scale
    slider = [timed(reference, reference.slider(key="learning_image"), v) for v in range(2, 8)]
    result["reference_learning_page_rerun_median_s"] = round(statistics.median(slider), 3)
    result["ratio_new_batch_to_reference"] = round(result["new_batch_median_s"] / statistics.median(slider), 2)
    timings = [v for k, v in result.items() if k.endswith("_s") and k.startswith(("new", "revisited", "switch"))]
    result["within_target"] = all(v <= TARGET_S for v in timings)
    return result


if __name__ == "__main__":
    print(json.dumps(main("--quick" in sys.argv)))
