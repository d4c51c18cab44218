"""Past one process: two replicas of the course behind HAProxy (deploy/haproxy.cfg) on loopback, learners in real
Chromium. Each learner stays on one replica through navigation, a training run, a photo upload and a reload;
learners spread over both replicas; a replica that dies mid-run sends its learner to the other one, which says
that the server restarted."""

import io
import os
import signal

import numpy as np
from PIL import Image

from e2e.browser import chromium, click_nav, exceptions_on, screenshot, wait_for_idle
from e2e.replicas import replicas

QUICK_RUN = "train_epochs=1&train_data_percent=5"


def learner(browser, name: str):
    """A browser of its own (its own cookies), told apart in the balancer's log by its user agent."""
    context = browser.new_context(
        user_agent=f"learner-{name} Mozilla/5.0 (X11; Linux x86_64) Chrome/156",
        viewport={"width": 1280, "height": 2000},
    )
    page = context.new_page()
    page.set_default_timeout(120_000)
    return context, page


def photo_of_a_digit() -> bytes:
    pixels = np.zeros((120, 90), np.uint8)
    pixels[15:105, 40:52] = 255  # a thick "1"
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def a_whole_visit(cluster, page) -> None:
    """Navigation, a training run, a photo upload and a reload, as one learner."""
    page.goto(cluster.url)
    wait_for_idle(page)
    click_nav(page, "Activation functions", "Activation functions")
    wait_for_idle(page)
    page.goto(f"{cluster.url}/train?{QUICK_RUN}")
    wait_for_idle(page)
    page.get_by_role("button", name="Start training").click()
    page.locator('[data-testid="stAlert"]').filter(has_text="Training finished").wait_for(timeout=180_000)
    wait_for_idle(page)
    click_nav(page, "Inside the network", "1. A digit")
    wait_for_idle(page)
    page.get_by_text("a photo", exact=True).first.click()
    wait_for_idle(page)
    page.locator('input[type="file"]').first.set_input_files(
        {"name": "digit.png", "mimeType": "image/png", "buffer": photo_of_a_digit()}
    )
    wait_for_idle(page)
    assert exceptions_on(page) == []
    page.reload()
    wait_for_idle(page)
    assert exceptions_on(page) == []


def test_learners_stay_on_one_replica_spread_over_both_and_fail_over_with_a_notice():
    with chromium() as browser, replicas(2) as cluster:
        visitors = [learner(browser, name) for name in "abcd"]
        a_whole_visit(cluster, visitors[0][1])
        for _, page in visitors[1:]:
            page.goto(cluster.url)
            wait_for_idle(page)
            click_nav(page, "Loss functions", "Loss functions")
        served = cluster.servers_by_agent()
        by_learner = {
            name: servers for agent, servers in served.items() for name in "abcd" if f"learner-{name} " in agent
        }
        assert set(by_learner) == set("abcd"), served
        assert all(len(servers) == 1 for servers in by_learner.values()), by_learner  # sticky, every request
        assert set().union(*by_learner.values()) == {"r1", "r2"}, by_learner  # and spread over both

        # A replica dies mid-run: its learner reconnects to the other one and is told what was lost.
        context, page = learner(browser, "e")
        page.goto(f"{cluster.url}/train?train_epochs=20")
        wait_for_idle(page)
        page.get_by_role("button", name="Start training").click()
        page.wait_for_function(
            "() => (document.querySelector('[data-testid=stProgress]')?.innerText || '').includes('running on')"
        )
        home = next(c["value"] for c in context.cookies() if c["name"] == "SERVERID")
        os.kill(cluster.replicas[home].pid, signal.SIGKILL)
        page.get_by_text("server restarted", exact=False).first.wait_for(timeout=120_000)
        wait_for_idle(page)
        assert exceptions_on(page) == []
        screenshot(page, "replica-failover")
        after = next(servers for agent, servers in cluster.servers_by_agent().items() if agent.startswith("learner-e "))
        assert after == {"r1", "r2"}, after  # its own replica until it died, then the other one
        for context, _ in visitors:
            context.close()
