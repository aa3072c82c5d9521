"""Round trips through a real Jupyter kernel (ipykernel), this test acting as the front end: a
cell that awaits the front end's answer gets it (the kernel reads the widget's messages while the
cell awaits), a control moved in the front end reaches the trait, and without a front end a call
fails with a clear error instead of hanging."""

import queue
import time

import pytest
from jupyter_client.manager import start_new_kernel


@pytest.fixture(scope="module")
def kernel():
    manager, client = start_new_kernel(kernel_name="python3")
    yield client
    client.stop_channels()
    manager.shutdown_kernel(now=True)


def run(client, code, front_end=None, timeout=60):
    """Runs `code`; `front_end(msg)` sees every message the kernel publishes meanwhile. Returns
    the cell's printed text, or raises with its error."""
    msg_id = client.execute(code)
    printed, deadline = [], time.monotonic() + timeout
    while True:
        try:
            msg = client.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            raise AssertionError(f"no end of the cell in {timeout} s: {code!r}") from None
        if front_end:
            front_end(msg)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            printed.append(content["text"])
        elif kind == "error":
            raise AssertionError(f"{content['ename']}: {content['evalue']}")
        elif kind == "status" and content["execution_state"] == "idle":
            return "".join(printed)


def say(client, comm_id, data):
    client.shell_channel.send(client.session.msg("comm_msg", {"comm_id": comm_id, "data": data}))


def test_a_waiting_cell_gets_the_front_ends_answer_and_a_drag_reaches_the_trait(kernel):
    opened = []
    run(kernel, "from dpo_sim import Simulator\nsim = Simulator(preset='quality')\ndisplay(sim)",
        lambda msg: opened.append(msg) if msg["msg_type"] == "comm_open" else None)
    comm_id = next(m["content"]["comm_id"] for m in opened if "quality" in m["content"]["data"]["state"])
    say(kernel, comm_id, {"method": "custom", "content": {"kind": "view", "open": True}})

    def front_end(msg):
        content = msg["content"].get("data", {}).get("content", {})
        if msg["msg_type"] == "comm_msg" and content.get("kind") == "call":
            time.sleep(0.2)  # the answer comes while the cell waits
            n = content["args"][0]
            say(kernel, comm_id, {"method": "custom", "content": {"kind": "reply", "id": content["id"], "result": {"step": n}}})

    assert run(kernel, "print((await sim.step(7))['step'])", front_end).strip() == "7"
    say(kernel, comm_id, {"method": "update", "state": {"quality": 0.375}, "buffer_paths": []})
    assert run(kernel, "print(sim.quality)").strip() == "0.375"
    # A value the core would refuse does not get in from the front end either.
    say(kernel, comm_id, {"method": "update", "state": {"quality": 7}, "buffer_paths": []})
    assert run(kernel, "print(sim.quality)").strip() == "0.375"


def test_a_front_end_that_does_not_answer_times_out(kernel):
    opened = []
    run(kernel, "late = Simulator()\ndisplay(late)", lambda msg: opened.append(msg) if msg["msg_type"] == "comm_open" else None)
    comm_id = next(m["content"]["comm_id"] for m in opened if "quality" in m["content"]["data"]["state"])
    say(kernel, comm_id, {"method": "custom", "content": {"kind": "view", "open": True}})
    start = time.monotonic()
    out = run(kernel, "try:\n    await late.metrics(timeout=1)\nexcept TimeoutError as e:\n    print(e)")
    assert out.strip() == "the front end did not answer metrics() within 1 s"
    assert time.monotonic() - start < 10


def test_headless_the_calls_say_there_is_no_front_end(kernel):
    start = time.monotonic()
    out = run(kernel, "alone = Simulator()\nprint(await alone.ready(timeout=1))\ntry:\n    await alone.history(timeout=1)\nexcept Exception as e:\n    print(type(e).__name__, e)")
    first, second = out.strip().splitlines()
    assert first == "False"
    assert second.startswith("NoFrontEnd history() needs the simulator on screen, and no front end shows it")
    assert time.monotonic() - start < 15
