"""The 2-D descent lesson's sentences, swept over the page's whole control space (every surface, optimizer, learning
rate and noise on the sliders, several step counts) against an oracle written here: the four Keras update rules
and the three surfaces' gradients in NumPy, simulated independently, with and without the noise."""

import re

import numpy as np
import pytest

from lib.descent2d import SURFACES, TWO_D_OPTIMIZERS, escape_table, optimizer_paths, path_table
from lib.descent2d_text import describe_escapes, describe_paths

LEARNING_RATES = [0.001, 0.003, 0.01, 0.03, 0.05, 0.1, 0.15, 0.2, 0.3]  # the page's slider
NOISES = [round(0.1 * k, 1) for k in range(31)]  # the page's slider: 0 to 3 in steps of 0.1
STEPS = [5, 20, 80, 300]  # the slider's range (5 to 300); a shorter run is a prefix of a longer one
LABELS = {"sgd": "SGD", "momentum": "SGD with momentum 0.9", "rmsprop": "RMSprop", "adam": "Adam"}
BOWL, LINE, SADDLE = "elongated bowl", "fitting a line (real MSE)", "saddle: x² − y² + y⁴/4"
F32 = np.float32  # Keras keeps the learning rate, momentum and Adam's betas in float32

# --- the oracle: surfaces and optimizers in NumPy ----------------------------------------------------------------
rng = np.random.default_rng(0)  # the same 40 points the lesson fits (drawn the same way, independently)
LX = np.linspace(-1, 1, 40)
LY = 0.5 * LX + 1.0 + rng.normal(0, 0.1, LX.shape)
LINE_MIN = float(np.sum((LX[:, None] ** [1, 0] @ np.linalg.lstsq(LX[:, None] ** [1, 0], LY)[0] - LY) ** 2) / 40)
MINIMUM = {BOWL: 0.0, LINE: LINE_MIN, SADDLE: -1.0}  # the saddle's valleys: y² = 2, loss −2 + 1


def loss(surface, p):
    x, y = p[..., 0], p[..., 1]
    if surface == BOWL:
        return 0.5 * x**2 + 5 * y**2
    if surface == LINE:
        return np.mean((x[..., None] * LX + y[..., None] - LY) ** 2, axis=-1)
    return x**2 - y**2 + y**4 / 4


def gradient(surface, p):
    """The gradient at p, a point (2,) or a stack of points (K, 2)."""
    x, y = p[..., 0], p[..., 1]
    if surface == BOWL:
        return np.stack([x, 10 * y], axis=-1)
    if surface == LINE:
        r = x[..., None] * LX + y[..., None] - LY
        return np.stack([2 * np.mean(r * LX, axis=-1), 2 * np.mean(r, axis=-1)], axis=-1)
    return np.stack([2 * x, -2 * y + y**3], axis=-1)


def simulate(surface, optimizer, start, lr, steps, noises, seed=0):
    """The optimizer's rule as Keras 3 writes it (float64 variables), one path per noise scale (walked side by side:
    every rule works number by number), each stopped once |p| > 1000 or not finite."""
    noises = np.asarray(noises, dtype=float)[:, None]
    draws = np.random.default_rng(seed).standard_normal((steps, 2))
    p = np.tile(np.asarray(start, dtype=float), (len(noises), 1))
    a, b, lr, path = np.zeros_like(p), np.zeros_like(p), float(F32(lr)), [p]
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            g = gradient(surface, p) + noises * draws[t - 1]
            if optimizer == "sgd":
                p = p - lr * g
            elif optimizer == "momentum":
                a = float(F32(0.9)) * a - lr * g
                p = p + a
            elif optimizer == "rmsprop":
                a = 0.9 * a + (1 - 0.9) * g**2
                p = p - lr * g / np.sqrt(a + 1e-7)
            else:
                b1, b2 = float(F32(0.9)), float(F32(0.999))
                a, b = a + (g - a) * (1 - 0.9), b + (g**2 - b) * (1 - 0.999)
                p = p - a * (lr * np.sqrt(1 - b2**t) / (1 - b1**t)) / (np.sqrt(b) + 1e-7)
            path.append(p)
    paths = []
    for column in np.stack(path, axis=1):
        gone = np.flatnonzero(~np.isfinite(column).all(axis=1) | (np.abs(column).max(axis=1) > 1e3))
        paths.append(column[: gone[0] + 1] if len(gone) else column)
    return paths


def facts(surface, path, steps):
    """What the oracle's path did: counts as (surely, at most), so that a near-tie is never held against the page."""
    path = path[: steps + 1]
    diverged = len(path) - 1 < steps
    finite = path[np.isfinite(path).all(axis=1)]
    losses = loss(surface, finite)
    rise = np.diff(losses)
    tol = 1e-13 * (1 + np.abs(losses[1:]))
    moves = np.diff(finite, axis=0)
    dots = np.sum(moves[1:] * moves[:-1], axis=1)
    size = np.linalg.norm(moves, axis=1)
    dtol = 1e-6 * size[1:] * size[:-1]  # a cosine within 1e-6 of 0 is too close to call
    near = losses - MINIMUM[surface] - 0.01
    first = lambda mask: int(np.flatnonzero(mask)[0]) if mask.any() else None  # noqa: E731
    fell = rise < -tol
    downhill = np.sum(gradient(surface, finite[:-1]) * moves, axis=1) < 0  # set off downhill along its line
    return {
        "diverged": diverged,
        "rises": (int(np.sum(rise > 1e-12 + tol)), int(np.sum(rise > 1e-12 - tol))),
        "reversals": (int(np.sum(dots < -dtol)), int(np.sum(dots < dtol))),
        "moves": len(moves),
        "reached": (first(near <= -1e-12), first(near <= 1e-12)),
        "ends_near": (bool(near[-1] <= -1e-12), bool(near[-1] <= 1e-12)),
        # overshoot: each rise set off downhill along its line (so it passed that line's lowest point), or came
        # after the path had gone down (so it passed the lowest point of the path so far)
        "overshoots": all(downhill[k] or fell[:k].any() for k in np.flatnonzero(rise > 1e-12 - tol)),
    }


# --- reading the sentences back -----------------------------------------------------------------------------------
def parse(sentences):
    out = {}
    for sentence in sentences:
        head, _, rest = sentence.partition(": ")
        out[head] = rest
    return out


def listed(text):
    """{name: details} from 'A (3 steps), B (4 of 80 steps without noise, 7 with it)'."""
    return dict(re.findall(r"(?:^|, then |, )([A-Za-z][\w .]*?) \(([^)]*)\)", text))


def names(text):
    return set(text.rstrip(".").split(", ")) if text else set()


def within(count, band):
    return band[0] <= count <= band[1]


def check_setting(surface, lr, noise, steps, lib, oracle):
    """One setting of the page: the sentences describe_paths writes against the oracle's facts."""
    paths = {LABELS[k]: lib[k, noise][: steps + 1] for k in TWO_D_OPTIMIZERS}
    quiet = {LABELS[k]: lib[k, 0.0][: steps + 1] for k in TWO_D_OPTIMIZERS} if noise else None
    said = parse(describe_paths(surface, paths, steps, quiet))
    o = {LABELS[k]: facts(surface, oracle[k, noise], steps) for k in TWO_D_OPTIMIZERS}
    q = {LABELS[k]: facts(surface, oracle[k, 0.0], steps) for k in TWO_D_OPTIMIZERS}
    where = (surface, lr, noise, steps, said)
    diverged = {n for n, f in o.items() if f["diverged"]}
    assert {h.removesuffix(" diverged") for h in said if h.endswith(" diverged")} == diverged, where
    for name in diverged:
        blamed = "Without the noise it does not diverge" in said[f"{name} diverged"]
        assert blamed == bool(noise and not q[name]["diverged"]), where
    # who reached the lowest region, in which order, and who left it again
    reached = {h: v for h, v in said.items() if h.startswith("Reached the lowest region")}
    order = list(listed(next(iter(reached.values()), "")).items())
    for name, detail in order:
        assert within(int(detail.split()[0]), o[name]["reached"]), where
    assert [int(d.split()[0]) for _, d in order] == sorted(int(d.split()[0]) for _, d in order), where
    for name, f in o.items():
        if f["reached"][0] is not None:
            assert name in dict(order), where
        if f["reached"][1] is None and not f["diverged"]:
            assert name in names(said.get(f"Not there after {steps} steps")), where
        if name in dict(order) and not f["diverged"] and f["ends_near"] == (False, False):
            assert name in names(said.get("Ended outside that region again")), where
        if name in names(said.get("Ended outside that region again")):
            assert not f["ends_near"][0], where
    check_attribution(said, o, q, noise, where)


def check_attribution(said, o, q, noise, where):
    """Zig-zag and overshoot, and what the noise did: a rise or a reversal is the noise's doing only where the
    oracle's noise-free path has none; it is called overshoot only where the noise-free path really overshot."""
    if not noise:
        zig = listed(said.get("Reversed direction (zig-zag)", ""))
        assert {n for n, f in o.items() if f["reversals"][0]} <= set(zig), where
        assert {n for n, f in o.items() if f["reversals"][1] == 0 and f["moves"] > 1} == names(
            said.get("Never reversed direction")
        ), where
        for name, detail in zig.items():
            assert within(int(detail.split()[0]), o[name]["reversals"]), where
        over = listed(said.get("Overshot, so the loss went up on some steps", ""))
        for name, detail in over.items():
            assert within(int(detail.split()[0]), o[name]["rises"]) and o[name]["overshoots"], where
        assert {n for n, f in o.items() if f["rises"][0] and not f["diverged"]} <= set(over), where
        return
    assert not {h for h in said if h.startswith(("Reversed direction (zig-zag):", "Overshot,"))}, where
    for kind, own, noisy in (
        ("reversals", "Reversed direction (zig-zag) even without noise", "Reversed direction only because of the"),
        ("rises", "Overshot even without noise, so the loss went up on some steps", "The loss went up on some steps"),
    ):
        own_said = listed(said.get(own, ""))
        noisy_said = listed(next((v for h, v in said.items() if h.startswith(noisy)), ""))
        for name in own_said:  # the noise-free path does it too
            assert q[name]["diverged"] or q[name][kind][1] > 0, where
            if kind == "rises":
                assert q[name]["overshoots"], where
        for name in noisy_said:  # the noise-free path never does it: the noise did
            assert q[name][kind][0] == 0 and o[name][kind][1] > 0, where
        for name, f in o.items():
            if f[kind][0] and not (kind == "rises" and f["diverged"]):
                assert name in own_said or name in noisy_said, (kind, name, where)
                if q[name][kind][1] == 0:
                    assert name in noisy_said, where


def run_both(surface, lr):
    start = SURFACES[surface].start
    lib, oracle = {}, {}
    for key in TWO_D_OPTIMIZERS:
        ours = simulate(surface, key, start, lr, max(STEPS), NOISES)
        theirs = optimizer_paths(surface, key, start, lr, max(STEPS), NOISES)
        for noise, path, own in zip(NOISES, theirs, ours, strict=True):
            lib[key, noise], oracle[key, noise] = path, own
    return lib, oracle


def parting(lib_path, oracle_path):
    """The first step at which the Keras path and the NumPy path disagree (None: never). They part where rounding
    is amplified: RMSprop at an exact minimum (its step lr·g/√(s + ε) multiplies g by lr/√ε there) and momentum with
    noise on the saddle's quartic walls are chaotic."""
    k = min(len(lib_path), len(oracle_path))
    close = np.isclose(lib_path[:k], oracle_path[:k], rtol=1e-9, atol=1e-15).all(axis=1)
    if not close.all():
        return int(np.flatnonzero(~close)[0])
    return None if len(lib_path) == len(oracle_path) else k - 1


@pytest.mark.parametrize("surface", list(SURFACES))
def test_every_2d_sentence_at_every_setting_agrees_with_the_numpy_oracle(surface):
    """Sweep: 3 surfaces × 9 learning rates × 31 noises × 4 step counts = 3,348 settings, 4 optimizers each.
    Where a chaotic path has parted from the NumPy one (by rounding) before the last step shown, the oracle's
    facts are computed on the Keras path itself (still independently of the page's counting)."""
    checked = substituted = paths = 0
    for lr in LEARNING_RATES:
        lib, oracle = run_both(surface, lr)
        parts = {key: parting(lib[key], oracle[key]) for key in lib}
        for noise in NOISES:
            for steps in STEPS:
                keys = [(k, n) for k in TWO_D_OPTIMIZERS for n in {noise, 0.0}]
                own = {key: oracle[key] if parts[key] is None or parts[key] > steps else lib[key] for key in keys}
                substituted += sum(own[key] is lib[key] for key in keys)
                paths += len(keys)
                check_setting(surface, lr, noise, steps, lib, own)
                checked += 1
    assert checked == 9 * 31 * 4
    assert substituted <= paths // 4, (substituted, paths)  # most paths are checked on the oracle's own


def test_at_lr_0_05_and_noise_1_the_noise_is_blamed_not_overshooting():
    """The reported case: plain SGD on the bowl rises and reverses only because of the noise."""
    start = SURFACES[BOWL].start
    noisy, quiet = optimizer_paths(BOWL, "sgd", start, 0.05, 80, (1.0, 0.0))
    assert facts(BOWL, simulate(BOWL, "sgd", start, 0.05, 80, [0.0])[0], 80)["rises"] == (0, 0)
    text = " ".join(describe_paths(BOWL, {"SGD": noisy}, 80, {"SGD": quiet}))
    assert "Overshot" not in text and "zig-zag" not in text
    assert "only because of the gradient noise (never without it): SGD (" in text


def test_the_page_blames_the_noise_at_lr_0_05_noise_1():
    from tests.test_pages import open_page

    at = open_page("pages/descent.py")
    at.slider(key="descent_noise").set_value(1.0).run(timeout=120)
    text = " ".join(m.value for m in at.markdown)
    assert "Overshot, so the loss went up on some steps: SGD (" not in text
    assert "Reversed direction (zig-zag): SGD (" not in text
    assert "only because of the gradient noise" in text
    table = next(df.value for df in at.dataframe if "rose at noise 0" in df.value.columns)  # the paths' summary
    assert list(table.loc[table["optimizer"] == "SGD", "rose at noise 0"]) == [0]


def test_the_table_is_the_oracles_counts():
    start = SURFACES[LINE].start
    lib = {LABELS[k]: optimizer_paths(LINE, k, start, 0.05, 80, (1.5, 0.0)) for k in TWO_D_OPTIMIZERS}
    rows = path_table(LINE, {n: p[0] for n, p in lib.items()}, 80, {n: p[1] for n, p in lib.items()})
    for row, key in zip(rows, TWO_D_OPTIMIZERS, strict=True):
        o, q = (facts(LINE, path, 80) for path in simulate(LINE, key, start, 0.05, 80, [1.5, 0.0]))
        assert within(row["loss rose (steps)"], o["rises"]) and within(row["rose at noise 0"], q["rises"])
        assert within(row["reversals"], o["reversals"])
        assert within(row["rev. at noise 0"], q["reversals"])


@pytest.mark.parametrize("offset", [1e-6, 1e-4, 1e-2, 0.1])  # the page's slider
def test_escape_order_against_the_oracle(offset):
    """Sweep: the 4 offsets of the saddle's slider, 4 optimizers each."""
    rows = escape_table(offset)
    order = []
    for row, key in zip(rows, TWO_D_OPTIMIZERS, strict=True):
        path = simulate(SADDLE, key, (1.5, offset), 0.05, 200, [0.0])[0]
        left = np.flatnonzero(np.abs(path[:, 1]) > 1.0)
        expected = int(left[0]) if len(left) else None
        assert row["left the ridge after (steps)"] == expected, (offset, key)
        assert row["y after 200 steps"] == pytest.approx(path[-1, 1], abs=1e-3)  # RMSprop jitters at the minimum
        if expected is not None:
            order.append((expected, LABELS[key]))
    text = describe_escapes(rows)
    said = re.findall(r"([A-Za-z][\w .]*?) \((\d+) steps\)", text)
    assert [(int(n), name) for name, n in said] == sorted(order)
    assert ("none stayed stuck" in text) == (len(order) == 4)
