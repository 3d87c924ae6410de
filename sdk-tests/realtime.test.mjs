// The realtime half of the Query Protocol end to end through the real TypeScript SDK
// @nevermined-io/payments 0.8.4: a builder's worker (`query.subscribe`) and a subscriber (`query.createTask`
// with a callback), both `Payments.getInstance({nvmApiKey, environment: 'custom'})` pointed at the hub.
//
//   HUB_URL=http://localhost:3001 HUB_ADMIN_TOKEN=... node --test realtime.test.mjs
//
// What 0.8.4 does on the wire (dist/api/nvm-backend.js), which these tests rely on:
// - subscribe(cb, opts): opens the socket (auth {token: "Bearer <key>"}), and on `_connected` emits
//   `_join-rooms` JSON.stringify(opts), listens to opts.subscribeEventTypes, then `_emit-steps`
//   {status: Pending, dids: opts.joinAgentRooms} when opts.getPendingEventsOnSubscribe. cb gets the raw JSON string.
// - createTask(did, task, queryOpts, cb): POSTs the task with a service access token; on 201 emits
//   `_join-tasks` {tasks: [id], history: true} and, when `_join-tasks_` arrives, listens to `task-updated`
//   only (not `task-log`): cb gets the raw JSON string of each task-updated for that task until one says
//   Completed/Failed. Logs reach a 0.8.4 submitter's callback only as task-updated (a _task-log carrying
//   task_status); plain task-log events are observed here on the SDK's own socket.
// - logTask(log): emits `_task-log` JSON.stringify(log) on the SDK's socket.
import test from 'node:test';
import assert from 'node:assert/strict';
import {
  EventLog,
  closeSdk,
  expectError,
  expectStatus,
  hubRequest,
  sdkFor,
  loadSdk,
  newBuilder,
  newStepId,
  newSubscriber,
  quiet,
  registerAgent,
  unique,
} from './lib/hub.mjs';

const { AgentExecutionStatus: S, FIRST_STEP_NAME } = await loadSdk();

const tapped = new WeakMap();

/**
 * Records every event the SDK's current socket receives (the SDK keeps it in query.socketClient), once per
 * socket, and closes that socket when the test ends (closeSdk only knows the instance's latest socket).
 */
function tap(t, payments, label) {
  const socket = payments.query.socketClient;
  if (!tapped.has(socket)) {
    const log = new EventLog(label);
    socket.onAny((name, ...args) => log.push(name, args));
    tapped.set(socket, log);
    t.after(() => socket.close());
  }
  return tapped.get(socket);
}

/**
 * Starts a worker with the SDK's subscribe(). `handle(step, worker)` runs for each step-updated; its failures
 * are collected in worker.errors (asserted empty by the tests). Resolves once the hub answered `_join-rooms`.
 */
async function startWorker(t, builder, opts, handle = async () => {}) {
  const worker = { steps: new EventLog(`${builder.account.name} worker`), errors: [], raw: null, joined: null };
  const callback = (data) => {
    worker.steps.push('step-updated', [data]);
    Promise.resolve()
      .then(() => handle(JSON.parse(data), worker))
      .catch((error) => worker.errors.push(error));
  };
  if (opts === undefined) await builder.payments.query.subscribe(callback);
  else await builder.payments.query.subscribe(callback, opts);
  t.after(() => closeSdk(builder.payments));
  // The socket exists once subscribe() returned; `_join-rooms_` cannot have arrived yet (it follows
  // `_connected`, which needs the network), so tapping now misses nothing.
  worker.raw = tap(t, builder.payments, `${builder.account.name} worker socket`);
  worker.joined = await worker.raw.waitFor('_join-rooms_');
  return worker;
}

/**
 * Creates a task through the SDK with a callback and waits for the hub's `_join-tasks_` ack on the SDK's socket.
 * Returns {task, steps, ack, updates (what the callback got, as `task-updated` entries), raw (the socket's events)}.
 *
 * Waiting for the ack is required, not cosmetic: 0.8.4 opens a NEW socket when createTask runs while its
 * previous socket is still connecting, and the first socket's `_join-tasks_` handler then registers the
 * task-updated listener on the new socket (this.socketClient), so the first task's callback never fires.
 */
async function submit(t, subscriber, did, task) {
  const updates = new EventLog(`${subscriber.account.name} createTask callback`);
  const result = await subscriber.payments.query.createTask(did, task, undefined,
    (data) => updates.push('task-updated', [data]));
  const data = expectStatus(result, 201, 'createTask');
  t.after(() => closeSdk(subscriber.payments));
  // createTask returned right after emitting `_join-tasks` (buffered): its ack cannot have arrived yet.
  const raw = tap(t, subscriber.payments, `${subscriber.account.name} subscriber socket`);
  const ack = await raw.waitFor('_join-tasks_', (e) => Array.isArray(e?.tasks) && e.tasks.includes(data.task.task_id));
  return { task: data.task, steps: data.steps, ack, updates, raw };
}

const isTask = (taskId, status) => (e) => e?.task_id === taskId && (status === undefined || e.task_status === status);

/** Subscribe options of a worker that listens to its own agent's room only, with no replay. */
function agentRoomOnly(builder) {
  return {
    joinAccountRoom: false,
    joinAgentRooms: [builder.did],
    subscribeEventTypes: ['step-updated'],
    getPendingEventsOnSubscribe: false,
  };
}

/** Completes a step through the SDK, asserting the 201. */
async function complete(builder, step, fields) {
  const body = { step_id: step.step_id, task_id: step.task_id, did: step.did, step_status: S.Completed, ...fields };
  return expectStatus(await builder.payments.query.updateStep(builder.did, body), 201, `updateStep ${step.name}`);
}

test('one-step task: the worker gets init, completes it, the submitter gets task-updated Completed', async (t) => {
  const builder = await newBuilder('rt-one');
  const subscriber = await newSubscriber('rt-one-sub');
  const worker = await startWorker(t, builder, agentRoomOnly(builder), async (step) => {
    if (step.name !== FIRST_STEP_NAME || step.step_status !== S.Pending) return;
    await complete(builder, step, { is_last: true, output: 'LFG!', cost: 1 });
  });
  assert.deepEqual(worker.joined, { account: false, agents: [builder.did] });

  const { task, steps, ack, updates } = await submit(t, subscriber, builder.did, { query: 'one step please', name: 'one' });
  assert.equal(steps[0].name, FIRST_STEP_NAME);
  assert.deepEqual(ack, { tasks: [task.task_id] }, '_join-tasks_ answers the joined task');

  const step = await worker.steps.waitFor('step-updated');
  assert.equal(step.step_id, steps[0].step_id);
  assert.equal(step.task_id, task.task_id);
  assert.equal(step.did, builder.did);
  assert.equal(step.input_query, 'one step please', 'init carries the user query');

  const done = await updates.waitFor('task-updated', isTask(task.task_id, S.Completed));
  assert.equal(done.status, S.Completed, 'status mirrors task_status');
  assert.equal(done.did, builder.did);
  assert.equal(done.output, 'LFG!');
  assert.equal(BigInt(done.cost), 1n);
  assert.ok(updates.payloads('task-updated').every((e) => e.task_id === task.task_id));

  const view = expectStatus(await subscriber.payments.query.getTaskWithSteps(builder.did, task.task_id), 200, 'getTaskWithSteps');
  assert.equal(view.task.task_status, S.Completed);
  assert.equal(view.task.output, 'LFG!');
  assert.equal(BigInt(view.task.cost), 1n);
  assert.deepEqual(view.steps.map((s) => [s.step_id, s.step_status]), [[steps[0].step_id, S.Completed]]);

  // The completion did not come back to the worker as another step-updated (no feedback loop).
  await quiet(300);
  assert.equal(worker.steps.all('step-updated').length, 1, 'exactly one step-updated for a one-step task');
  assert.deepEqual(worker.errors, []);
});

test('three-step task: successors arrive in order, the task completes with the summed cost and the last output', async (t) => {
  const builder = await newBuilder('rt-three');
  const subscriber = await newSubscriber('rt-three-sub');
  const transcribeId = newStepId();
  const summarizeId = newStepId();
  const worker = await startWorker(t, builder, agentRoomOnly(builder), async (step) => {
    if (step.step_status !== S.Pending) return;
    if (step.name === FIRST_STEP_NAME) {
      // The usual agent shape: create the follow-up steps, then complete init (not last).
      const created = await builder.payments.query.createSteps(builder.did, step.task_id, {
        steps: [
          { step_id: transcribeId, task_id: step.task_id, name: 'transcribe', predecessor: step.step_id, is_last: false },
          { step_id: summarizeId, task_id: step.task_id, name: 'summarize', predecessor: transcribeId, is_last: true },
        ],
      });
      expectStatus(created, 201, 'createSteps');
      await complete(builder, step, { is_last: false, output: 'init output', cost: 1 });
    } else if (step.name === 'transcribe') {
      await complete(builder, step, { output: `transcribed(${step.input_query})`, cost: 2 });
    } else if (step.name === 'summarize') {
      await complete(builder, step, {
        output: 'the summary',
        output_additional: { words: 2 },
        output_artifacts: [{ artifact_id: 'a-1', url: 'https://example.invalid/summary.txt' }],
        cost: 3,
      });
    }
  });

  const { task, steps, updates } = await submit(t, subscriber, builder.did, { query: 'three steps', name: 'three' });
  const done = await updates.waitFor('task-updated', isTask(task.task_id, S.Completed));
  assert.equal(done.output, 'the summary', 'task output copied from the last step');
  assert.equal(BigInt(done.cost), 6n, 'task cost = sum of the step costs');

  const received = worker.steps.payloads('step-updated');
  assert.deepEqual(received.map((s) => [s.step_id, s.name]),
    [[steps[0].step_id, FIRST_STEP_NAME], [transcribeId, 'transcribe'], [summarizeId, 'summarize']],
    'one step-updated per step, in workflow order');
  assert.ok(received.every((s) => s.step_status === S.Pending && s.task_id === task.task_id && s.did === builder.did));
  assert.equal(received[1].input_query, 'init output', 'successor input = predecessor output');
  assert.equal(received[1].predecessor, steps[0].step_id);
  assert.equal(received[2].input_query, 'transcribed(init output)');

  // Every task-updated the callback saw is well-formed; statuses only move forward.
  const seen = updates.payloads('task-updated');
  const rank = { [S.Pending]: 0, [S.In_Progress]: 1, [S.Completed]: 2 };
  for (let i = 0; i < seen.length; i++) {
    assert.equal(seen[i].status, seen[i].task_status);
    assert.equal(seen[i].did, builder.did);
    if (i > 0) assert.ok(rank[seen[i].task_status] >= rank[seen[i - 1].task_status], `order: ${updates.describe()}`);
  }

  const view = expectStatus(await subscriber.payments.query.getTaskWithSteps(builder.did, task.task_id), 200, 'getTaskWithSteps');
  assert.equal(view.task.task_status, S.Completed);
  assert.equal(view.task.output, 'the summary');
  assert.deepEqual(view.task.output_additional, { words: 2 });
  assert.deepEqual(view.task.output_artifacts, [{ artifact_id: 'a-1', url: 'https://example.invalid/summary.txt' }]);
  assert.equal(BigInt(view.task.cost), 6n);
  assert.deepEqual(view.steps.map((s) => [s.name, s.step_status, Number(s.cost)]),
    [[FIRST_STEP_NAME, S.Completed, 1], ['transcribe', S.Completed, 2], ['summarize', S.Completed, 3]]);

  await quiet(300);
  assert.equal(worker.steps.all('step-updated').length, 3, 'no step-updated for completions');
  assert.deepEqual(worker.errors, []);
});

test('a failed step fails the task: the submitter gets task-updated Failed with the reason as output', async (t) => {
  const builder = await newBuilder('rt-fail');
  const subscriber = await newSubscriber('rt-fail-sub');
  const worker = await startWorker(t, builder, agentRoomOnly(builder), async (step) => {
    if (step.name !== FIRST_STEP_NAME || step.step_status !== S.Pending) return;
    const never = newStepId();
    expectStatus(await builder.payments.query.createSteps(builder.did, step.task_id, {
      steps: [{ step_id: never, task_id: step.task_id, name: 'never-runs', predecessor: step.step_id, is_last: true }],
    }), 201, 'createSteps');
    await complete(builder, step, { step_status: S.Failed, output: 'boom: the video is private', cost: 1 });
  });

  const { task, updates } = await submit(t, subscriber, builder.did, { query: 'this will fail' });
  const failed = await updates.waitFor('task-updated', isTask(task.task_id, S.Failed));
  assert.equal(failed.status, S.Failed);
  assert.equal(failed.output, 'boom: the video is private');
  assert.equal(failed.did, builder.did);
  assert.equal(updates.all('task-updated', isTask(task.task_id, S.Completed)).length, 0);

  const view = expectStatus(await subscriber.payments.query.getTaskWithSteps(builder.did, task.task_id), 200, 'getTaskWithSteps');
  assert.equal(view.task.task_status, S.Failed);
  assert.equal(view.task.output, 'boom: the video is private');
  assert.deepEqual(view.steps.map((s) => s.step_status), [S.Failed, S.Failed], 'its successor never ran and is closed');

  await quiet(300);
  assert.equal(worker.steps.all('step-updated').length, 1, 'the successor of a failed step is never announced');
  assert.deepEqual(worker.errors, []);
});

test('logs: logTask reaches the submitter live (task-log on its socket; task-updated to the 0.8.4 callback when it carries task_status) and getTaskWithSteps', async (t) => {
  const builder = await newBuilder('rt-logs');
  const subscriber = await newSubscriber('rt-logs-sub');
  const q = builder.payments.query;
  const worker = await startWorker(t, builder, agentRoomOnly(builder));

  const { task, steps: [init], updates, raw } = await submit(t, subscriber, builder.did, { query: 'log me' });
  const step = await worker.steps.waitFor('step-updated');
  assert.equal(step.step_id, init.step_id);
  // The submitter is in the task room once its ack (awaited by submit) and the history snapshot arrived:
  // what follows is live.
  const snapshot = await updates.waitFor('task-updated', isTask(task.task_id));
  assert.equal(snapshot.task_status, S.Pending);

  await q.logTask({ task_id: task.task_id, message: 'log-1 starting', level: 'info' });
  const log1 = await raw.waitFor('task-log', (e) => e?.message === 'log-1 starting');
  assert.equal(log1.task_id, task.task_id);
  assert.equal(log1.level, 'info');

  await q.logTask({ task_id: task.task_id, step_id: init.step_id, message: 'log-2 halfway', level: 'warning', task_status: S.In_Progress });
  const log2 = await raw.waitFor('task-log', (e) => e?.message === 'log-2 halfway');
  assert.equal(log2.task_status, S.In_Progress);
  assert.equal(log2.step_id, init.step_id);
  const viaCallback = await updates.waitFor('task-updated', (e) => e?.task_id === task.task_id && e.message === 'log-2 halfway');
  assert.equal(viaCallback.task_status, S.In_Progress);
  assert.equal(viaCallback.status, S.In_Progress);
  assert.equal(viaCallback.did, builder.did);
  assert.equal(updates.all('task-updated', (e) => e?.message === 'log-1 starting').length, 0,
    'a log without task_status is not a task-updated');

  await complete(builder, step, { is_last: true, output: 'logged result', cost: 2 });
  const done = await updates.waitFor('task-updated', isTask(task.task_id, S.Completed));
  assert.equal(done.output, 'logged result');
  await q.logTask({ task_id: task.task_id, message: 'log-3 done', level: 'info', task_status: S.Completed });
  await raw.waitFor('task-log', (e) => e?.message === 'log-3 done');

  const view = expectStatus(await subscriber.payments.query.getTaskWithSteps(builder.did, task.task_id), 200, 'getTaskWithSteps');
  assert.deepEqual(view.logs.map((l) => [l.message, l.level, l.task_status ?? null]), [
    ['log-1 starting', 'info', null],
    ['log-2 halfway', 'warning', S.In_Progress],
    ['log-3 done', 'info', S.Completed],
  ]);
  assert.ok(view.logs.every((l) => l.task_id === task.task_id));
  assert.equal(view.logs[1].step_id, init.step_id);
  assert.equal(view.task.task_status, S.Completed);
  assert.deepEqual(worker.errors, []);
});

test('a step created while no worker is connected is replayed on subscribe (getPendingEventsOnSubscribe: true)', async (t) => {
  const builder = await newBuilder('rt-replay');
  const subscriber = await newSubscriber('rt-replay-sub');
  const first = await submit(t, subscriber, builder.did, { query: 'queued 1' });
  const second = await submit(t, subscriber, builder.did, { query: 'queued 2' });
  assert.equal(first.raw, second.raw, 'one SDK socket for both tasks');

  const worker = await startWorker(t, builder, {
    joinAccountRoom: false,
    joinAgentRooms: [builder.did],
    subscribeEventTypes: ['step-updated'],
    getPendingEventsOnSubscribe: true,
  }, async (step) => {
    if (step.name !== FIRST_STEP_NAME || step.step_status !== S.Pending) return;
    await complete(builder, step, { is_last: true, output: `answer to ${step.input_query}`, cost: 1 });
  });

  const a = await first.updates.waitFor('task-updated', isTask(first.task.task_id, S.Completed));
  const b = await second.updates.waitFor('task-updated', isTask(second.task.task_id, S.Completed));
  assert.equal(a.output, 'answer to queued 1');
  assert.equal(b.output, 'answer to queued 2');
  assert.deepEqual(worker.steps.payloads('step-updated').map((s) => s.step_id),
    [first.steps[0].step_id, second.steps[0].step_id], 'replayed oldest first');

  // A task created now (worker online) arrives live, exactly once.
  const third = await submit(t, subscriber, builder.did, { query: 'live' });
  await third.updates.waitFor('task-updated', isTask(third.task.task_id, S.Completed));
  await quiet(300);
  assert.equal(worker.steps.all('step-updated').length, 3, 'each pending step delivered once (replay + room)');
  assert.deepEqual(worker.errors, []);
});

test('default subscribe options (account room, joinAgentRooms []) replay the pending steps of all the builder\'s agents', async (t) => {
  const builder = await newBuilder('rt-default');
  const subscriber = await newSubscriber('rt-default-sub');
  const other = await registerAgent(builder.account.api_key, unique('rt-default-agent-2'));
  const q1 = await submit(t, subscriber, builder.did, { query: 'for agent 1' });
  const q2 = await submit(t, subscriber, other.did, { query: 'for agent 2' });

  const worker = await startWorker(t, builder, undefined, async (step) => {
    if (step.name !== FIRST_STEP_NAME || step.step_status !== S.Pending) return;
    const body = { step_id: step.step_id, task_id: step.task_id, step_status: S.Completed, is_last: true, output: step.did, cost: 1 };
    expectStatus(await builder.payments.query.updateStep(step.did, body), 201, 'updateStep');
  });
  assert.deepEqual(worker.joined, { account: true, agents: [] });

  const d1 = await q1.updates.waitFor('task-updated', isTask(q1.task.task_id, S.Completed));
  const d2 = await q2.updates.waitFor('task-updated', isTask(q2.task.task_id, S.Completed));
  assert.equal(d1.output, builder.did);
  assert.equal(d2.output, other.did);
  assert.deepEqual(worker.steps.payloads('step-updated').map((s) => s.did), [builder.did, other.did]);
  assert.deepEqual(worker.errors, []);
});

test('two accounts\' workers never receive each other\'s events, even when one asks for the other\'s agent room', async (t) => {
  const alice = await newBuilder('rt-alice');
  const bob = await newBuilder('rt-bob');
  const subscriber = await newSubscriber('rt-two-sub');
  const subscriber2 = await newSubscriber('rt-two-sub-2');

  // One task each queued before the workers start (replay), two each afterwards (live).
  const tasks = { alice: [], bob: [] };
  tasks.alice.push(await submit(t, subscriber, alice.did, { query: 'alice queued' }));
  tasks.bob.push(await submit(t, subscriber2, bob.did, { query: 'bob queued' }));

  const handler = (builder, label) => async (step) => {
    if (step.name !== FIRST_STEP_NAME || step.step_status !== S.Pending) return;
    await complete(builder, step, { is_last: true, output: `${label} did ${step.input_query}`, cost: 1 });
  };
  const aliceWorker = await startWorker(t, alice, {
    joinAccountRoom: true,
    joinAgentRooms: [alice.did, bob.did], // asks for Bob's room too: refused by the hub
    subscribeEventTypes: ['step-updated'],
    getPendingEventsOnSubscribe: true,
  }, handler(alice, 'alice'));
  const bobWorker = await startWorker(t, bob, {
    joinAccountRoom: true,
    joinAgentRooms: [bob.did],
    subscribeEventTypes: ['step-updated'],
    getPendingEventsOnSubscribe: true,
  }, handler(bob, 'bob'));
  assert.deepEqual(aliceWorker.joined, { account: true, agents: [alice.did] }, 'Bob\'s room was not joined');
  assert.equal((await aliceWorker.raw.waitFor('error', (e) => e?.event === '_join-rooms')).event, '_join-rooms');
  assert.deepEqual(bobWorker.joined, { account: true, agents: [bob.did] });

  for (let i = 0; i < 2; i++) {
    tasks.alice.push(await submit(t, subscriber, alice.did, { query: `alice live ${i}` }));
    tasks.bob.push(await submit(t, subscriber2, bob.did, { query: `bob live ${i}` }));
  }
  for (const [label, list] of Object.entries(tasks)) {
    for (const { task, updates } of list) {
      const done = await updates.waitFor('task-updated', isTask(task.task_id, S.Completed));
      assert.match(done.output, new RegExp(`^${label} did ${label} `), `${task.task_id} was processed by ${label}'s worker`);
    }
  }
  await quiet(300);

  const ids = (list) => list.map((x) => x.steps[0].step_id).sort();
  const got = (worker) => worker.steps.payloads('step-updated').map((s) => s.step_id).sort();
  assert.deepEqual(got(aliceWorker), ids(tasks.alice), 'Alice got exactly her steps, once each');
  assert.deepEqual(got(bobWorker), ids(tasks.bob), 'Bob got exactly his steps, once each');
  assert.ok(aliceWorker.steps.payloads('step-updated').every((s) => s.did === alice.did));
  assert.ok(bobWorker.steps.payloads('step-updated').every((s) => s.did === bob.did));
  // The workers joined no task room: they saw no task events at all.
  for (const worker of [aliceWorker, bobWorker]) {
    assert.equal(worker.raw.all('task-updated').length + worker.raw.all('task-log').length, 0);
    assert.deepEqual(worker.errors, []);
  }
});

// ---------------------------------------------------------------------------------------------------------
// Work that never gets stuck: step leases (shortened for one agent through PUT /api/v1/agents/{did}, so the
// rest of this file keeps the hub's own), rescue to another subscribed worker, the last attempt, cancellation.
// ---------------------------------------------------------------------------------------------------------

/** Gives the builder's agent a lease of `seconds` and `attempts` attempts. */
async function shortLeases(builder, seconds, attempts) {
  const res = await hubRequest('PUT', `/api/v1/agents/${builder.did}`, {
    token: builder.account.api_key,
    body: { step_lease_seconds: seconds, step_max_attempts: attempts },
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.step_lease_seconds, seconds);
}

/** A second SDK instance of the same builder: another worker process. */
async function secondWorkerOf(builder) {
  return { ...builder, payments: await sdkFor(builder.account.api_key) };
}

for (const how of ['takes a Pending step and disconnects without a word', 'marks it In_Progress and disconnects']) {
  test(`rescue: a worker that ${how}: its step is handed out again to a subscribed worker (retries 1), which completes it`, async (t) => {
    const builder = await newBuilder('rt-rescue');
    await shortLeases(builder, 2, 3);
    const subscriber = await newSubscriber('rt-rescue-sub');
    // The second worker is subscribed from the start, as a fleet's other workers are: it leaves the first
    // attempt to the worker that took it, and completes the step once it is handed out again.
    const rescuer = await secondWorkerOf(builder);
    const second = await startWorker(t, rescuer, agentRoomOnly(rescuer), async (step) => {
      if (step.step_status !== S.Pending || step.retries === 0) return;
      const fresh = await rescuer.payments.query.getStep(step.step_id);
      await rescuer.payments.query.updateStep(rescuer.did, { ...fresh, step_status: S.Completed, output: 'rescued', cost: 1, is_last: true });
    });
    const dying = await startWorker(t, builder, agentRoomOnly(builder), async (step) => {
      if (how.startsWith('marks')) {
        expectStatus(await builder.payments.query.updateStep(builder.did, { ...step, step_status: S.In_Progress }), 201, 'In_Progress');
      }
      closeSdk(builder.payments); // the worker dies here
    });
    const { task, updates } = await submit(t, subscriber, builder.did, { query: 'who finishes me?' });
    const handedOut = await dying.steps.waitFor('step-updated', (e) => e.task_id === task.task_id);
    assert.equal(handedOut.retries, 0);

    const rescued = await second.steps.waitFor('step-updated', (e) => e.task_id === task.task_id && e.retries > 0, 15_000);
    assert.equal(rescued.retries, 1, 'the rescued step carries its attempt');
    assert.equal(rescued.step_status, S.Pending);

    const done = await updates.waitFor('task-updated', isTask(task.task_id, S.Completed), 10_000);
    assert.equal(done.output, 'rescued');
    const view = expectStatus(await subscriber.payments.query.getTaskWithSteps(builder.did, task.task_id), 200, 'getTaskWithSteps');
    assert.equal(view.steps[0].retries, 1);
    assert.deepEqual(second.errors, []);
  });
}

test('rescue: a step nobody finishes within its last attempt fails its task, and the submitter hears it', async (t) => {
  const builder = await newBuilder('rt-last');
  await shortLeases(builder, 1, 2);
  const subscriber = await newSubscriber('rt-last-sub');
  const idle = await startWorker(t, builder, agentRoomOnly(builder)); // receives, never updates
  const { task, updates } = await submit(t, subscriber, builder.did, { query: 'nobody will do this' });

  const failed = await updates.waitFor('task-updated', isTask(task.task_id, S.Failed), 15_000);
  assert.match(failed.output, /within its lease of 1 s, in 2 attempts/);
  assert.deepEqual(idle.steps.payloads('step-updated').filter((e) => e.task_id === task.task_id).map((e) => e.retries), [0, 1],
    'handed out twice: the second attempt was the last');
});

test('cancellation: the submitter cancels, its createTask callback gets task-updated Failed, the worker\'s late update gets 409, nothing is replayed', async (t) => {
  const builder = await newBuilder('rt-cancel');
  const subscriber = await newSubscriber('rt-cancel-sub');
  const worker = await startWorker(t, builder, agentRoomOnly(builder)); // takes its time
  const { task, updates } = await submit(t, subscriber, builder.did, { query: 'never mind' });
  const step = await worker.steps.waitFor('step-updated', (e) => e.task_id === task.task_id);

  const cancelled = await hubRequest('POST', `/api/v1/agents/${builder.did}/tasks/${task.task_id}/cancel`, { token: subscriber.account.api_key });
  assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
  assert.equal(cancelled.body.task_status, S.Failed);
  assert.match(cancelled.body.output, new RegExp(`cancelled by ${subscriber.account.address}`, 'i'));

  const heard = await updates.waitFor('task-updated', isTask(task.task_id, S.Failed));
  assert.match(heard.output, /cancelled by/);
  const late = await builder.payments.query.updateStep(builder.did, { ...step, step_status: S.Completed, output: 'too late', is_last: true });
  expectError(late, 409, 'updateStep after cancellation');
  const again = await hubRequest('POST', `/api/v1/agents/${builder.did}/tasks/${task.task_id}/cancel`, { token: subscriber.account.api_key });
  assert.equal(again.status, 409);

  const replaying = await secondWorkerOf(builder);
  const fresh = await startWorker(t, replaying, { ...agentRoomOnly(replaying), getPendingEventsOnSubscribe: true });
  await quiet(500);
  assert.deepEqual(fresh.steps.payloads('step-updated').filter((e) => e.task_id === task.task_id), [], '_emit-steps offers nothing of a cancelled task');
});
