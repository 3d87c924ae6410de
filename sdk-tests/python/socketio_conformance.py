#!/usr/bin/python3
"""Socket.IO conformance test for AI Hub, driven the way payments-py (0.5-0.7) drives the legacy backend.

It uses the real python-socketio sync client exactly as payments-py does:

    sio = socketio.Client()
    sio.connect(ws_url, auth={"token": f"Bearer {api_key}"}, transports=["websocket"], wait_timeout=1)

with a `_connected` handler that takes exactly ONE positional argument and then emits `_join-rooms` and
`_emit-steps` (JSON strings), a `step-updated` handler that json.loads() its argument, and a subscriber that
emits `_join-tasks` and, once `_join-tasks_` arrives, listens to `task-updated` and `task-log`.
Setup and step updates go through the hub's REST API (python3-requests, like payments-py).

Run with the Debian interpreter (the packages come from apt, not PyPI):

    apt-get install -y python3-socketio python3-websocket python3-requests
    HUB_URL=http://localhost:3911 HUB_ADMIN_TOKEN=... /usr/bin/python3 socketio_conformance.py

Prints one PASS/FAIL line per scenario and then `N passed, M failed`; exits 0 only if everything passed.
"""

import json
import os
import sys
import threading
import time
import traceback
import uuid
from urllib.parse import urlsplit

try:
    import requests
    import socketio
except ImportError as missing:  # pragma: no cover - environment problem, reported loudly
    print(f"FAIL setup: {missing} (install python3-socketio python3-websocket python3-requests "
          f"and run with /usr/bin/python3)")
    print("0 passed, 1 failed")
    sys.exit(1)

EVENT_TIMEOUT = 10.0  # seconds to wait for any single expected socket event
HTTP_TIMEOUT = 15.0


# --------------------------------------------------------------------------------------------- plumbing

class Failure(Exception):
    """A scenario assertion failed."""


def check(condition, message):
    if not condition:
        raise Failure(message)


def package_version(name):
    try:
        from importlib.metadata import version
        return version(name)
    except Exception:
        return "?"


def short(value, limit=300):
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


class Hub:
    """REST helpers against the hub (setup, tasks, step updates)."""

    def __init__(self, url, admin_token):
        parts = urlsplit(url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        # payments-py connects to a ws(s):// websocket backend origin; python-socketio accepts either.
        self.ws_url = self.origin.replace("http", "ws", 1)
        self.admin_token = admin_token

    def call(self, method, path, token, body=None, expect=None):
        response = requests.request(method, self.origin + path, json=body, timeout=HTTP_TIMEOUT,
                                    headers={"Accept": "application/json", "Authorization": f"Bearer {token}"})
        try:
            data = response.json()
        except ValueError:
            data = response.text
        if expect is not None and response.status_code != expect:
            raise Failure(f"{method} {path} answered {response.status_code} (expected {expect}): {short(data)}")
        return data

    def create_account(self, name):
        data = self.call("POST", "/api/v1/admin/accounts", self.admin_token, {"name": name}, expect=201)
        check(isinstance(data, dict) and data.get("api_key") and data.get("address"),
              f"account creation returned {short(data)}")
        return data

    def create_agent(self, api_key, name):
        data = self.call("POST", "/api/v1/agents", api_key, {"name": name})
        check(isinstance(data, dict) and isinstance(data.get("did"), str), f"agent creation returned {short(data)}")
        return data["did"]

    def create_task(self, api_key, did, query):
        data = self.call("POST", f"/api/v1/agents/{did}/tasks", api_key, {"input_query": query}, expect=201)
        check(isinstance(data, dict) and isinstance(data.get("task"), dict) and data["task"].get("task_id"),
              f"task creation returned {short(data)}")
        steps = data.get("steps") or []
        check(len(steps) >= 1 and steps[0].get("step_id"), f"task creation returned no init step: {short(data)}")
        return data["task"]["task_id"], steps[0]["step_id"]

    def complete_step(self, api_key, did, task_id, step_id, output):
        # Same body as the payments-py 0.5 protocol test (ids in the path win).
        body = {"step_status": "Completed", "output": output, "is_last": True, "cost": 1}
        self.call("PUT", f"/api/v1/agents/{did}/tasks/{task_id}/step/{step_id}", api_key, body, expect=201)


    def set_leases(self, api_key, did, seconds, attempts):
        body = {"step_lease_seconds": seconds, "step_max_attempts": attempts}
        data = self.call("PUT", f"/api/v1/agents/{did}", api_key, body, expect=200)
        check(data.get("step_lease_seconds") == seconds, f"PUT agent answered {short(data)}")

    def mark_in_progress(self, api_key, did, task_id, step_id):
        body = {"step_status": "In_Progress"}
        self.call("PUT", f"/api/v1/agents/{did}/tasks/{task_id}/step/{step_id}", api_key, body, expect=201)

    def task_with_steps(self, api_key, did, task_id):
        return self.call("GET", f"/api/v1/agents/{did}/tasks/{task_id}", api_key, expect=200)


class Peer:
    """One python-socketio sync client plus a thread-safe record of what it received."""

    def __init__(self, name):
        self.name = name
        self.sio = socketio.Client()  # defaults, as payments-py
        self.cond = threading.Condition()
        self.received = []            # (event, args) for every event delivered to a handler
        self.dispatched = []          # (event, arg count) for everything the client dispatched (diagnostics)
        self.errors = []              # problems seen inside handlers (bad payload types, emit failures)
        self._instrument()

    def _instrument(self):
        # Diagnostics only: remember what python-socketio dispatched (and with how many arguments) before it
        # calls the handler, so an arity mismatch (handler TypeError) can be reported precisely. The handler
        # itself is still invoked exactly as python-socketio would invoke it.
        original = self.sio._trigger_event

        def traced(event, namespace, *args):
            with self.cond:
                self.dispatched.append((event, len(args)))
                self.cond.notify_all()
            return original(event, namespace, *args)

        self.sio._trigger_event = traced

    def record(self, event, *args):
        with self.cond:
            self.received.append((event, args))
            self.cond.notify_all()

    def error(self, message):
        with self.cond:
            self.errors.append(message)
            self.cond.notify_all()

    def wait_for(self, predicate, timeout=EVENT_TIMEOUT):
        """Waits (Condition, no sleeping) until predicate(self) returns a truthy value; returns it or None."""
        result = [None]

        def probe():
            result[0] = predicate(self)
            return bool(result[0])

        with self.cond:
            self.cond.wait_for(probe, timeout)
        return result[0]

    def payloads(self, event):
        with self.cond:
            return [args for name, args in self.received if name == event]

    def connect(self, api_key):
        started = time.monotonic()
        self.sio.connect(HUB.ws_url, auth={"token": f"Bearer {api_key}"}, transports=["websocket"], wait_timeout=1)
        return time.monotonic() - started

    def emit(self, event, data):
        self.sio.emit(event, data)

    def close(self):
        try:
            self.sio.disconnect()
        except Exception:  # already gone
            pass


def parse_json_string(peer, event, data, required):
    """The contract: server -> client data events carry one argument that is a JSON *string*."""
    if not isinstance(data, str):
        peer.error(f"{event} payload is {type(data).__name__}, not a JSON string: {short(data)}")
        return None
    try:
        parsed = json.loads(data)
    except ValueError as exc:
        peer.error(f"{event} payload is not JSON ({exc}): {short(data)}")
        return None
    if not isinstance(parsed, dict):
        peer.error(f"{event} payload is not a JSON object: {short(data)}")
        return None
    missing = [key for key in required if not isinstance(parsed.get(key), str)]
    if missing:
        peer.error(f"{event} payload lacks string field(s) {missing}: {short(data)}")
    return parsed


def make_worker(name, did):
    """An agent as payments-py subscribe(join_account_room=False, join_agent_rooms=[did]) sets it up."""
    peer = Peer(name)
    sio = peer.sio

    def step_updated(data):
        parsed = parse_json_string(peer, "step-updated", data, ("step_id", "task_id", "did"))
        peer.record("step-updated", parsed if parsed is not None else data)

    def on_connected(data):  # exactly one positional argument, like payments-py's connect handler
        peer.record("_connected", data)
        try:
            sio.emit("_join-rooms", json.dumps({"joinAccountRoom": False, "joinAgentRooms": [did]}))
            sio.on("step-updated", step_updated)
            sio.emit("_emit-steps", json.dumps({"status": "Pending", "dids": [did]}))
        except Exception as exc:  # e.g. BadNamespaceError
            peer.error(f"emitting from the _connected handler failed: {exc!r}")

    sio.on("_connected", on_connected)
    return peer


def make_subscriber(name):
    """A subscriber as payments-py subscribe_tasks_updated(): task listeners are registered on `_join-tasks_`."""
    peer = Peer(name)
    sio = peer.sio

    def task_updated(data):
        parsed = parse_json_string(peer, "task-updated", data, ("task_id", "status", "task_status"))
        peer.record("task-updated", parsed if parsed is not None else data)

    def task_log(data):
        parsed = parse_json_string(peer, "task-log", data, ("task_id", "message"))
        peer.record("task-log", parsed if parsed is not None else data)

    def joined(*args):  # payments-py's handle_connected_event takes *args
        if len(args) != 1 or not isinstance(args[0], str):
            peer.error(f"_join-tasks_ should carry one JSON string, got {len(args)} arg(s): {short(args)}")
        sio.on("task-updated", task_updated)
        sio.on("task-log", task_log)
        peer.record("_join-tasks_", *args)

    def connected(data):  # the hub sends `_connected` to every socket; payments-py subscribers ignore it
        peer.record("_connected", data)

    sio.on("_join-tasks_", joined)
    sio.on("_connected", connected)
    return peer


def step_event(task_id, step_id=None):
    def predicate(peer):
        for (parsed,) in peer.payloads("step-updated"):
            if isinstance(parsed, dict) and parsed.get("task_id") == task_id and \
                    (step_id is None or parsed.get("step_id") == step_id):
                return parsed
        return None
    return predicate


def task_event(task_id, status):
    def predicate(peer):
        for (parsed,) in peer.payloads("task-updated"):
            if isinstance(parsed, dict) and parsed.get("task_id") == task_id and \
                    (parsed.get("status") == status or parsed.get("task_status") == status):
                return parsed
        return None
    return predicate


def no_handler_errors(peer):
    with peer.cond:
        check(not peer.errors, f"{peer.name}: " + "; ".join(peer.errors))


# --------------------------------------------------------------------------------------------- scenarios

class Context:
    pass


def scenario_connect(ctx):
    """(1) connect() with wait_timeout=1 succeeds and `_connected` reaches a one-argument handler."""
    ctx.pending_task, ctx.pending_step = HUB.create_task(ctx.subscriber_key, ctx.did, "pending before subscribe")
    ctx.worker = make_worker("worker", ctx.did)
    try:
        elapsed = ctx.worker.connect(ctx.builder_key)
    except socketio.exceptions.ConnectionError as exc:
        raise Failure(f"connect(wait_timeout=1) raised ConnectionError: {exc} "
                      f"(the namespace CONNECT ack must arrive within 1 s)")
    check(ctx.worker.sio.connected, "client not connected after connect()")
    got = ctx.worker.wait_for(lambda p: p.payloads("_connected"))
    if not got:
        with ctx.worker.cond:
            seen = [(e, n) for e, n in ctx.worker.dispatched if e == "_connected"]
        if seen:
            raise Failure(f"`_connected` was dispatched with {seen[0][1]} argument(s) but never reached the "
                          f"one-argument handler payments-py uses (it raised, e.g. TypeError; nothing joined)")
        raise Failure(f"no `_connected` event within {EVENT_TIMEOUT:.0f}s of connecting")
    (data,) = got[0]
    check(isinstance(data, str), f"`_connected` argument is {type(data).__name__}, expected a JSON string")
    try:
        json.loads(data)
    except ValueError:
        raise Failure(f"`_connected` argument is not JSON: {short(data)}")
    with ctx.worker.cond:
        count = sum(1 for e, _ in ctx.worker.dispatched if e == "_connected")
    check(count == 1, f"`_connected` dispatched {count} times (must be once)")
    return f"connected in {elapsed * 1000:.0f} ms, _connected({short(data, 80)})"


def scenario_pending_replay(ctx):
    """(2) `_join-rooms` + `_emit-steps` replays the init step of a task created before the agent connected."""
    check(ctx.worker is not None and ctx.worker.sio.connected, "worker not connected (scenario 1 failed)")
    parsed = ctx.worker.wait_for(step_event(ctx.pending_task, ctx.pending_step))
    no_handler_errors(ctx.worker)
    check(parsed, f"no step-updated for pending task {ctx.pending_task} within {EVENT_TIMEOUT:.0f}s "
                  f"after _join-rooms/_emit-steps")
    check(parsed.get("did") == ctx.did, f"replayed step has did {parsed.get('did')!r}, expected {ctx.did}")
    check(parsed.get("step_status", "Pending") == "Pending",
          f"replayed step has step_status {parsed.get('step_status')!r}")
    return f"step-updated {parsed['step_id']} (task {parsed['task_id']})"


def scenario_live_step(ctx):
    """(3) a task created after the agent joined its DID room produces a live step-updated."""
    check(ctx.worker is not None and ctx.worker.sio.connected, "worker not connected (scenario 1 failed)")
    # The replay of scenario 2 arrived after `_emit-steps`, which the hub processed after `_join-rooms`,
    # so the DID room is joined by now.
    ctx.live_task, ctx.live_step = HUB.create_task(ctx.subscriber_key, ctx.did, "live task")
    parsed = ctx.worker.wait_for(step_event(ctx.live_task, ctx.live_step))
    no_handler_errors(ctx.worker)
    check(parsed, f"no live step-updated for task {ctx.live_task} within {EVENT_TIMEOUT:.0f}s")
    check(parsed.get("did") == ctx.did, f"step has did {parsed.get('did')!r}, expected {ctx.did}")
    return f"step-updated {parsed['step_id']} (task {parsed['task_id']})"


def join_tasks(subscriber, payload):
    subscriber.emit("_join-tasks", payload)
    acks = subscriber.wait_for(lambda p: p.payloads("_join-tasks_"))
    check(acks, f"no `_join-tasks_` within {EVENT_TIMEOUT:.0f}s of emitting `_join-tasks`")
    return acks[0]


def scenario_task_log(ctx):
    """(5) `_task-log` from the agent's socket is relayed to the task room as `task-log`."""
    check(ctx.worker is not None and ctx.worker.sio.connected, "worker not connected (scenario 1 failed)")
    check(getattr(ctx, "live_task", None), "no live task (scenario 3 failed)")
    ctx.subscriber = make_subscriber("subscriber")
    try:
        ctx.subscriber.connect(ctx.subscriber_key)
    except socketio.exceptions.ConnectionError as exc:
        raise Failure(f"subscriber connect(wait_timeout=1) raised ConnectionError: {exc}")
    join_tasks(ctx.subscriber, json.dumps({"tasks": [ctx.live_task]}))
    message = f"working on it {uuid.uuid4().hex[:8]}"
    # payments-py log_task(): TaskLog.model_dump(exclude_none=True) as a JSON string.
    ctx.worker.emit("_task-log", json.dumps({"task_id": ctx.live_task, "message": message, "level": "info",
                                             "step_id": ctx.live_step}))

    def relayed(peer):
        for (parsed,) in peer.payloads("task-log"):
            if isinstance(parsed, dict) and parsed.get("task_id") == ctx.live_task and \
                    parsed.get("message") == message:
                return parsed
        return None

    parsed = ctx.subscriber.wait_for(relayed)
    no_handler_errors(ctx.subscriber)
    check(parsed, f"no task-log {message!r} for task {ctx.live_task} within {EVENT_TIMEOUT:.0f}s")
    check(parsed.get("level") == "info", f"task-log level is {parsed.get('level')!r}")
    return f"task-log relayed ({short(parsed.get('message'), 60)})"


def scenario_task_completed(ctx):
    """(4) after the agent completes the last step, the subscriber gets task-updated Completed."""
    check(getattr(ctx, "subscriber", None) is not None and ctx.subscriber.payloads("_join-tasks_"),
          "subscriber did not join the task (scenario 5 failed)")
    HUB.complete_step(ctx.builder_key, ctx.did, ctx.live_task, ctx.live_step, "LFG!")
    parsed = ctx.subscriber.wait_for(task_event(ctx.live_task, "Completed"))
    no_handler_errors(ctx.subscriber)
    check(parsed, f"no task-updated Completed for task {ctx.live_task} within {EVENT_TIMEOUT:.0f}s "
                  f"(got: {short([a for (a,) in ctx.subscriber.payloads('task-updated')])})")
    check(parsed.get("status") == "Completed" and parsed.get("task_status") == "Completed",
          f"task-updated needs status and task_status both 'Completed': {short(parsed)}")
    check(parsed.get("did") == ctx.did, f"task-updated did is {parsed.get('did')!r}, expected the agent DID")
    # The agent did not receive a step-updated for the completion (SHOULD in contract 3.2).
    echoed = [a for (a,) in ctx.worker.payloads("step-updated")
              if isinstance(a, dict) and a.get("task_id") == ctx.live_task and a.get("step_status") == "Completed"]
    check(not echoed, "the hub emitted step-updated for a Completed step (feedback loop risk)")
    return f"task-updated status={parsed['status']} task_status={parsed['task_status']}"


def scenario_bad_key(ctx):
    """(6) a bad key (and no key) makes connect() raise socketio ConnectionError."""
    details = []
    for label, auth in (("bad key", {"token": "Bearer not-a-valid-key"}), ("no auth", None)):
        peer = Peer(label)
        refused = []
        started = time.monotonic()
        peer.sio.on("connect_error", lambda data=None: refused.append((data, time.monotonic() - started)))
        try:
            peer.sio.connect(HUB.ws_url, auth=auth, transports=["websocket"], wait_timeout=1)
            connected = peer.sio.connected
        except socketio.exceptions.ConnectionError as exc:
            connected = False
            details.append(f"{label}: ConnectionError({exc}) in {(time.monotonic() - started) * 1000:.0f} ms"
                           + (f", CONNECT_ERROR after {refused[0][1] * 1000:.0f} ms: {short(refused[0][0], 80)}"
                              if refused else ", no CONNECT_ERROR (only the client's own wait_timeout)"))
        finally:
            peer.close()
        check(not connected, f"{label}: connect() succeeded; the hub must refuse the namespace")
    return "; ".join(details)


def scenario_dict_payload(ctx):
    """(7) `_join-tasks` sent as a dict (payments-py 0.5.2 style) is accepted like the JSON string form."""
    task_id, step_id = HUB.create_task(ctx.subscriber_key, ctx.did, "dict payload task")
    peer = make_subscriber("subscriber-dict")
    ctx.cleanup.append(peer)
    try:
        peer.connect(ctx.subscriber_key)
    except socketio.exceptions.ConnectionError as exc:
        raise Failure(f"connect(wait_timeout=1) raised ConnectionError: {exc}")
    join_tasks(peer, {"tasks": [task_id]})
    HUB.complete_step(ctx.builder_key, ctx.did, task_id, step_id, "dict ok")
    parsed = peer.wait_for(task_event(task_id, "Completed"))
    no_handler_errors(peer)
    check(parsed, f"no task-updated Completed for task {task_id} within {EVENT_TIMEOUT:.0f}s after a dict "
                  f"`_join-tasks`")
    check(parsed.get("status") == "Completed" and parsed.get("task_status") == "Completed",
          f"task-updated needs status and task_status both 'Completed': {short(parsed)}")
    return "dict `_join-tasks` acknowledged and task-updated Completed received"


def connected_worker(ctx, name, did):
    worker = make_worker(name, did)
    ctx.cleanup.append(worker)
    try:
        worker.connect(ctx.builder_key)
    except socketio.exceptions.ConnectionError as exc:
        raise Failure(f"{name}: connect(wait_timeout=1) raised ConnectionError: {exc}")
    check(worker.wait_for(lambda p: p.payloads("_connected")), f"{name}: no `_connected`")
    return worker


def attempt_of(task_id, retries):
    def predicate(peer):
        for (parsed,) in peer.payloads("step-updated"):
            if isinstance(parsed, dict) and parsed.get("task_id") == task_id and parsed.get("retries") == retries:
                return parsed
        return None
    return predicate


def scenario_rescue(ctx):
    """(8) steps left Pending, or In_Progress, by a worker that disconnects are handed to another (lease 2 s)."""
    did = HUB.create_agent(ctx.builder_key, f"py-rescue-{uuid.uuid4().hex[:8]}")
    HUB.set_leases(ctx.builder_key, did, 2, 3)  # the second worker completes well within the rescued lease
    dying = connected_worker(ctx, "dying worker", did)
    second = connected_worker(ctx, "second worker", did)
    left_pending, left_pending_step = HUB.create_task(ctx.subscriber_key, did, "left pending")
    left_running, left_running_step = HUB.create_task(ctx.subscriber_key, did, "left in progress")
    check(dying.wait_for(step_event(left_pending, left_pending_step)), "the dying worker got no first step")
    check(dying.wait_for(step_event(left_running, left_running_step)), "the dying worker got no second step")
    HUB.mark_in_progress(ctx.builder_key, did, left_running, left_running_step)
    dying.close()

    for task_id, step_id in ((left_pending, left_pending_step), (left_running, left_running_step)):
        rescued = second.wait_for(attempt_of(task_id, 1), timeout=15)
        check(rescued, f"no step-updated with retries 1 for task {task_id} within 15 s")
        check(rescued.get("step_status") == "Pending", f"the rescued step is {rescued.get('step_status')!r}")
        HUB.complete_step(ctx.builder_key, did, task_id, step_id, "rescued")
        view = HUB.task_with_steps(ctx.subscriber_key, did, task_id)
        check(view["task"]["task_status"] == "Completed", f"task {task_id} is {view['task']['task_status']}")
        check(view["steps"][0]["retries"] == 1, f"init step of {task_id} has retries {view['steps'][0]['retries']}")
    no_handler_errors(second)
    return "both steps handed out again (retries 1) and completed by the second worker"


def scenario_last_attempt(ctx):
    """(9) a step nobody finishes within its last attempt fails the task; the subscriber hears task-updated."""
    did = HUB.create_agent(ctx.builder_key, f"py-last-{uuid.uuid4().hex[:8]}")
    HUB.set_leases(ctx.builder_key, did, 1, 2)
    idle = connected_worker(ctx, "idle worker", did)
    task_id, _ = HUB.create_task(ctx.subscriber_key, did, "nobody will do this")
    listener = make_subscriber("last-attempt subscriber")
    ctx.cleanup.append(listener)
    listener.connect(ctx.subscriber_key)
    join_tasks(listener, json.dumps({"tasks": [task_id]}))
    failed = listener.wait_for(task_event(task_id, "Failed"), timeout=15)
    check(failed, f"no task-updated Failed for task {task_id} within 15 s")
    check("in 2 attempts" in failed.get("output", ""), f"the output does not say why: {short(failed)}")
    handed = [a.get("retries") for (a,) in idle.payloads("step-updated") if isinstance(a, dict) and a.get("task_id") == task_id]
    # the worker's `_emit-steps` on connect may read the step after its creation committed: the first
    # attempt then arrives twice, live and replayed, which a worker takes as the same hand-out
    attempts = [r for i, r in enumerate(handed) if i == 0 or r != handed[i - 1]]
    check(attempts == [0, 1], f"the idle worker was handed the step with retries {handed}, expected [0, 1]")
    return f"task Failed: {short(failed.get('output'), 100)}"


SCENARIOS = [
    ("1 connect within wait_timeout=1, _connected(one arg)", scenario_connect),
    ("2 pending step replay on subscribe (_join-rooms + _emit-steps)", scenario_pending_replay),
    ("3 live step-updated for a new task", scenario_live_step),
    ("5 _task-log relayed to the subscriber as task-log", scenario_task_log),
    ("4 task-updated Completed with status and task_status", scenario_task_completed),
    ("6 bad key fails to connect (ConnectionError)", scenario_bad_key),
    ("7 dict payload for _join-tasks (payments-py 0.5.2)", scenario_dict_payload),
    ("8 steps of a worker that disconnects are rescued to another (lease 2 s)", scenario_rescue),
    ("9 the last attempt fails the task, and the subscriber hears it", scenario_last_attempt),
]


def main():
    ctx = Context()
    ctx.worker = None
    ctx.subscriber = None
    ctx.cleanup = []
    passed = failed = 0
    print(f"python-socketio {package_version('python-socketio')}, python-engineio "
          f"{package_version('python-engineio')}, websocket-client {package_version('websocket-client')}, "
          f"hub {HUB.origin}")
    try:
        try:
            tag = uuid.uuid4().hex[:8]
            builder = HUB.create_account(f"py-builder-{tag}")
            subscriber = HUB.create_account(f"py-subscriber-{tag}")
            ctx.builder_key, ctx.subscriber_key = builder["api_key"], subscriber["api_key"]
            ctx.did = HUB.create_agent(ctx.builder_key, f"py-agent-{tag}")
        except Exception as exc:
            print(f"FAIL setup: {exc}")
            print(f"0 passed, {len(SCENARIOS)} failed")
            return 1
        for name, run in SCENARIOS:
            try:
                detail = run(ctx)
                passed += 1
                print(f"PASS {name}: {detail}")
            except Failure as exc:
                failed += 1
                print(f"FAIL {name}: {exc}")
            except Exception as exc:  # unexpected client/library error: still one failed scenario
                failed += 1
                print(f"FAIL {name}: unexpected {exc!r}")
                traceback.print_exc()
            sys.stdout.flush()
    finally:
        for peer in [ctx.worker, ctx.subscriber] + ctx.cleanup:
            if peer is not None:
                peer.close()
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    _url, _token = os.environ.get("HUB_URL"), os.environ.get("HUB_ADMIN_TOKEN")
    if not _url or not _token:
        # Fail loudly: a run without a target must never look green.
        print("FAIL setup: HUB_URL and HUB_ADMIN_TOKEN must be set (e.g. HUB_URL=http://localhost:3911)")
        print("0 passed, 1 failed")
        sys.exit(1)
    HUB = Hub(_url, _token)
    code = main()
    # python-socketio's client threads (reconnection, ping) can outlive disconnect() and keep the
    # interpreter alive when output is a pipe: leave at once with the result.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
