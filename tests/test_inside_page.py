"""Inside the network, as a learner sees it (AppTest): which network it opens on, what it says about it, and that
the page is whole (numbered sections, seen, a Next link) before any digit is drawn. The drawing itself is checked
in Chromium (tests/test_e2e_inside.py)."""

import pytest

from lib.lab.config import TrainConfig
from lib.lab.jobs import TrainingJob
from lib.lab.runs import run_record


def small_run(mnist, accuracy=None, **settings) -> dict:
    """A finished run of the learner's own, as Train MNIST records it (test accuracy overridable)."""
    job = TrainingJob(TrainConfig(epochs=1, data_fraction=0.02, **settings), mnist).start()
    job.join(300)
    record = run_record(job.config, job.snapshot(), job.result)
    if accuracy is not None:
        record["test accuracy"] = accuracy
    return {"id": job.id, "job": job, "config": job.config, "record": record}


@pytest.fixture(scope="module")
def runs(mnist):
    return {
        "step": small_run(mnist, accuracy=0.99, hidden_activation="step"),  # claims the best accuracy: still skipped
        "relu128": small_run(mnist, hidden_units=128),
        "sigmoid_out": small_run(mnist, accuracy=0.2, output_activation="sigmoid"),
    }


def page_with(runs_in_order: list[dict]):
    from streamlit.testing.v1 import AppTest

    from tests.test_pages import ROOT, TIMEOUT

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT)
    at.session_state["train_runs"] = runs_in_order
    at.run()
    at.switch_page("pages/inside.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_without_a_digit_the_sections_are_numbered_and_the_page_is_seen_with_its_next_link(runs):
    at = page_with([runs["relu128"]])
    headers = [h.value for h in at.header]
    assert [h.split(".")[0] for h in headers] == ["1", "2", "3", "4"], headers
    assert "pages/inside.py" in at.session_state["progress"]["seen"]
    assert any("Next:" in str(link.proto.label) for link in at.get("page_link"))


def test_it_opens_on_the_learners_best_usable_run_never_a_step_network(runs):
    at = page_with([runs["relu128"], runs["step"], runs["sigmoid_out"]])
    chosen = at.selectbox(key="inside_network").value
    assert chosen.startswith("run 1:"), chosen  # run 2 (step) claims 99% but its pictures are blank
    assert "step" in " ".join(at.selectbox(key="inside_network").options)  # still there to pick


def test_the_parameter_count_is_the_networks_own(runs):
    at = page_with([runs["relu128"]])
    text = " ".join(m.value for m in at.markdown)
    assert "101,770 numbers" in text and "50,890" not in text


def test_a_step_network_says_its_gradient_is_zero_and_changes_the_digit_by_trying_pixels(runs):
    at = page_with([runs["step"]])
    at.selectbox(key="inside_network").set_value(at.selectbox(key="inside_network").options[0]).run()
    at.segmented_control(key="inside_source").set_value("a test image").run()
    assert any("zero by convention" in i.value for i in at.info)
    at.button(key="inside_make_button").click().run()
    assert not at.exception
    said = " ".join(m.value for m in at.markdown)
    assert "zero by convention" in said and "ReLU" not in said


def test_a_sigmoid_output_run_shows_sigmoid_outputs_not_softmax(runs):
    at = page_with([runs["sigmoid_out"]])
    at.segmented_control(key="inside_source").set_value("a test image").run()
    said = " ".join(m.value for m in at.markdown)
    assert "sigmoid output is" in said and "with probability" not in said


def test_a_session_keeps_at_most_its_upload_cap_and_the_newest_file():
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
    from streamlit.runtime.uploaded_file_manager import UploadedFileRec

    from ui.patches import UPLOAD_BYTES_PER_SESSION, cap_uploads_per_session

    cap_uploads_per_session()
    manager = MemoryUploadedFileManager("/_stcore/upload_file")
    manager.add_file("another learner", UploadedFileRec("theirs", "a.png", "image/png", bytes(4_000_000)))
    for i in range(60):  # 60 uploads of 5 MB to new file ids of one session
        manager.add_file("one learner", UploadedFileRec(f"file {i}", "b.png", "image/png", bytes(5_000_000)))
    kept = manager.file_storage["one learner"]
    assert sum(len(f.data) for f in kept.values()) <= UPLOAD_BYTES_PER_SESSION
    assert "file 59" in kept and manager.get_files("another learner", ["theirs"])  # nobody else's file goes
    assert manager._total_bytes == sum(len(f.data) for s in manager.file_storage.values() for f in s.values())


def test_a_photo_is_read_once_then_the_uploader_is_empty_and_a_hostile_one_gets_a_message(mnist, runs):
    import io

    from PIL import Image

    from tests.test_picture import png_bytes

    at = page_with([runs["relu128"]])
    at.segmented_control(key="inside_source").set_value("a photo").run()
    at.file_uploader(key="inside_upload_0").upload("strip.png", png_bytes(1, 16_777_216), "image/png").run()
    assert not at.exception
    assert any("a strip, not a digit" in e.value for e in at.error)
    assert [u.key for u in at.file_uploader if u.key.startswith("inside")] == [
        "inside_upload_1"
    ]  # a fresh, empty uploader

    paper = Image.fromarray(255 - mnist.x_test[0]).resize((280, 280))  # dark ink on light paper
    buffer = io.BytesIO()
    paper.save(buffer, "PNG")
    at.file_uploader(key="inside_upload_1").upload("seven.png", buffer.getvalue(), "image/png").run()
    assert not at.exception and not at.error
    assert [u.key for u in at.file_uploader if u.key.startswith("inside")] == ["inside_upload_2"]
    assert any("It reads" in m.value for m in at.markdown)
    assert any("Your last photo" in c.value for c in at.caption)
