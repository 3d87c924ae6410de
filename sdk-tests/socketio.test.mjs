// The realtime half of the Query Protocol spoken with a raw socket.io-client 4.7.5 (what the TS SDK bundles),
// websocket transport only, against a running hub:
//
//   HUB_URL=http://localhost:3001 HUB_ADMIN_TOKEN=... node --test socketio.test.mjs
//
// Contract: docs/protocol.md §5 (Socket.IO) and §8 (client quirks).
// Every test makes its own accounts. Tests wait on events; a fixed pause (quiet()) is only used to assert that
// something did NOT arrive, and only after a positive signal that would have preceded it.
import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import {
  accessTokenFor,
  closeSockets,
  connectAs,
  createAccount,
  createStepsRest,
  createTaskRest,
  getTaskRest,
  newStepId,
  openSocket,
  quiet,
  registerAgent,
  revokeKey,
  send,
  socketLogs,
  unique,
  updateStepRest,
} from './lib/hub.mjs';

after(() => closeSockets());

/** A builder (account + one agent) and a separate subscriber account. */
async function world() {
  const builder = await createAccount(unique('rt-builder'));
  const agent = await registerAgent(builder.api_key, unique('rt-agent'));
  const subscriber = await createAccount(unique('rt-subscriber'));
  return { builder, agent, did: agent.did, subscriber };
}

/** Opens an authenticated socket and closes it when the test ends. */
async function socketFor(t, apiKey, label) {
  const opened = await connectAs(apiKey, { label });
  t.after(() => closeSockets(opened.socket));
  return opened;
}

/** Joins rooms and waits for the `_join-rooms_` answer. */
async function joinRooms(socket, log, { account = false, dids = [] } = {}) {
  send(socket, '_join-rooms', { joinAccountRoom: account, joinAgentRooms: dids });
  return log.waitFor('_join-rooms_');
}

/** Joins task rooms and waits for the `_join-tasks_` ack. */
async function joinTasks(socket, log, tasks, history) {
  send(socket, '_join-tasks', history === undefined ? { tasks } : { tasks, history });
  return log.waitFor('_join-tasks_');
}

const sameAddress = (a, b) => String(a).toLowerCase() === String(b).toLowerCase();
const forStep = (stepId) => (data) => data?.step_id === stepId;
const forTask = (taskId) => (data) => data?.task_id === taskId;

// ---------------------------------------------------------------------------------------------------------
// Handshake authentication (docs/protocol.md §5.1)
// ---------------------------------------------------------------------------------------------------------

test('handshake: CONNECT auth {token: "Bearer <key>"} connects and `_connected` arrives once with {sid, account}', async (t) => {
  const account = await createAccount(unique('rt-auth'));
  const { socket, log, connected } = await socketFor(t, account.api_key, 'bearer');
  assert.equal(typeof connected.sid, 'string');
  assert.ok(sameAddress(connected.account, account.address), `_connected account ${connected.account}`);
  const entry = log.all('_connected')[0];
  assert.equal(entry.args.length, 1, '_connected has exactly one argument');
  assert.equal(typeof entry.args[0], 'string', '_connected argument is a JSON string');

  // A later round trip proves the socket is live; `_connected` was not repeated meanwhile.
  const joined = await joinRooms(socket, log, { account: true });
  assert.deepEqual(joined, { account: true, agents: [] });
  assert.equal(log.all('_connected').length, 1, '_connected is emitted exactly once');
  assert.ok(socket.connected);
});

test('handshake: CONNECT auth token without the "Bearer " prefix is accepted', async (t) => {
  const account = await createAccount(unique('rt-auth'));
  const opened = await openSocket({ token: account.api_key, bearer: false, label: 'no-prefix' });
  t.after(() => closeSockets(opened.socket));
  const connected = await opened.log.waitFor('_connected');
  assert.ok(sameAddress(connected.account, account.address));
  assert.deepEqual(await joinRooms(opened.socket, opened.log, { account: true }), { account: true, agents: [] });
});

test('handshake: Authorization header on the websocket upgrade, no CONNECT auth (TS <=0.6 / Py <=0.4)', async (t) => {
  const account = await createAccount(unique('rt-auth'));
  const opened = await openSocket({ extraHeaders: { Authorization: `Bearer ${account.api_key}` }, label: 'header' });
  t.after(() => closeSockets(opened.socket));
  const connected = await opened.log.waitFor('_connected');
  assert.ok(sameAddress(connected.account, account.address));
  assert.deepEqual(await joinRooms(opened.socket, opened.log, { account: true }), { account: true, agents: [] });
  assert.equal(opened.log.all('_connected').length, 1);
});

test('handshake: no credential at all never gets `_connected`, its requests are not served, and it is dropped within ~6 s', async (t) => {
  const { did, subscriber } = await world();
  await createTaskRest(subscriber.api_key, did, { query: 'pending for nobody' });
  const opened = await openSocket({ label: 'missing' });
  t.after(() => closeSockets(opened.socket));
  // Buffered by socket.io-client and flushed on connect, if the hub lets the namespace connect at all.
  send(opened.socket, '_join-rooms', { joinAccountRoom: true, joinAgentRooms: [did] });
  send(opened.socket, '_emit-steps', { status: 'Pending', dids: [] });
  await opened.log.waitForEntry(['$disconnect', '$connect_error'], undefined, 6500);
  assert.equal(opened.log.all('_connected').length, 0, 'no _connected without a credential');
  assert.equal(opened.log.all('_join-rooms_').length, 0, 'no _join-rooms_ without a credential');
  assert.equal(opened.log.all('step-updated').length, 0, 'no step-updated without a credential');
  assert.equal(opened.socket.connected, false);
});

test('handshake: an empty CONNECT auth object gets connect_error', async (t) => {
  const opened = await openSocket({ auth: {}, label: 'empty-auth' });
  t.after(() => closeSockets(opened.socket));
  await opened.log.waitForEntry(['$connect_error', '$disconnect'], undefined, 6500);
  assert.equal(opened.log.all('_connected').length, 0);
});

test('handshake: a garbage token gets connect_error with a message and never `_connected`', async (t) => {
  const opened = await openSocket({ token: 'garbage-not-a-key', label: 'garbage' });
  t.after(() => closeSockets(opened.socket));
  const error = await opened.log.waitFor('$connect_error');
  assert.equal(typeof error.message, 'string');
  assert.ok(error.message.length > 0, 'connect_error carries a message');
  assert.equal(opened.log.all('_connected').length, 0);
  assert.equal(opened.socket.connected, false);
});

test('handshake: a revoked API key is never usable (no _connected, no joins, no replay, dropped)', async (t) => {
  const { builder, did, subscriber } = await world();
  await createTaskRest(subscriber.api_key, did, { query: 'pending before revocation' });
  await revokeKey(builder.key_id);

  const opened = await openSocket({ token: builder.api_key, label: 'revoked' });
  t.after(() => closeSockets(opened.socket));
  send(opened.socket, '_join-rooms', { joinAccountRoom: true, joinAgentRooms: [did] });
  send(opened.socket, '_emit-steps', { status: 'Pending', dids: [] });
  await opened.log.waitForEntry(['$disconnect', '$connect_error'], undefined, 6500);
  assert.equal(opened.log.all('_connected').length, 0, 'no _connected with a revoked key');
  assert.equal(opened.log.all('_join-rooms_').length, 0, 'no _join-rooms_ with a revoked key');
  assert.equal(opened.log.all('step-updated').length, 0, 'no pending-step replay with a revoked key');
  assert.equal(opened.socket.connected, false);
  // Whatever the hub said, it said it as one JSON string (an `error` event or a CONNECT_ERROR message).
  for (const entry of opened.log.all('error')) assert.equal(typeof entry.data?.message, 'string');
});

test('handshake: a service access token (not an API key) cannot open a socket', async (t) => {
  const { did, subscriber } = await world();
  const accessToken = await accessTokenFor(subscriber.api_key, did);
  const opened = await openSocket({ token: accessToken, label: 'access-token' });
  t.after(() => closeSockets(opened.socket));
  send(opened.socket, '_join-tasks', { tasks: ['task-00000000-0000-4000-8000-000000000000'] });
  await opened.log.waitForEntry(['$disconnect', '$connect_error'], undefined, 6500);
  assert.equal(opened.log.all('_connected').length, 0);
  assert.equal(opened.log.all('_join-tasks_').length, 0);
  assert.equal(opened.socket.connected, false);
});

// ---------------------------------------------------------------------------------------------------------
// Rooms, dedup, no implicit joins (docs/protocol.md §5.3)
// ---------------------------------------------------------------------------------------------------------

test('nothing is joined implicitly: a connected socket that joined nothing receives no step-updated', async (t) => {
  const { builder, did, subscriber } = await world();
  const idle = await socketFor(t, builder.api_key, 'idle');
  const joined = await socketFor(t, builder.api_key, 'joined');
  await joinRooms(joined.socket, joined.log, { account: true });

  const { steps: [init] } = await createTaskRest(subscriber.api_key, did);
  await joined.log.waitFor('step-updated', forStep(init.step_id));
  await quiet(300);
  assert.equal(idle.log.all('step-updated').length, 0, 'the socket that joined nothing got no step-updated');
});

test('dedup: a socket in both the account room and the agent room gets exactly one step-updated per step; none on In_Progress/Completed', async (t) => {
  const { builder, did, subscriber } = await world();
  const both = await socketFor(t, builder.api_key, 'both-rooms');
  const accountOnly = await socketFor(t, builder.api_key, 'account-room');
  const agentOnly = await socketFor(t, builder.api_key, 'agent-room');
  assert.deepEqual(await joinRooms(both.socket, both.log, { account: true, dids: [did] }), { account: true, agents: [did] });
  // Joining the same rooms again must not double deliveries either.
  assert.deepEqual(await joinRooms(both.socket, both.log, { account: true, dids: [did] }), { account: true, agents: [did] });
  assert.deepEqual(await joinRooms(accountOnly.socket, accountOnly.log, { account: true }), { account: true, agents: [] });
  assert.deepEqual(await joinRooms(agentOnly.socket, agentOnly.log, { dids: [did] }), { account: false, agents: [did] });
  const sockets = [both, accountOnly, agentOnly];

  // init at task creation
  const { task, steps: [init] } = await createTaskRest(subscriber.api_key, did, { query: 'dedup' });
  for (const s of sockets) {
    const event = await s.log.waitFor('step-updated', forStep(init.step_id));
    assert.equal(event.task_id, task.task_id);
    assert.equal(event.did, did);
    assert.equal(event.step_status, 'Pending');
    assert.equal(event.name, 'init');
  }

  // a successor activated by the completion of init (In_Progress first: no event for that)
  const nextId = newStepId();
  await createStepsRest(builder.api_key, did, task.task_id,
    [{ step_id: nextId, task_id: task.task_id, name: 'next', predecessor: init.step_id, is_last: true }]);
  await updateStepRest(builder.api_key, did, task.task_id, init.step_id, { step_status: 'In_Progress' });
  await updateStepRest(builder.api_key, did, task.task_id, init.step_id,
    { step_status: 'Completed', is_last: false, output: 'to next', cost: 1 });
  for (const s of sockets) {
    const event = await s.log.waitFor('step-updated', forStep(nextId));
    assert.equal(event.step_status, 'Pending');
    assert.equal(event.input_query, 'to next', 'successor carries the predecessor output as input');
  }

  // a step created already runnable (its predecessor is Completed) is announced at once
  const extraId = newStepId();
  await createStepsRest(builder.api_key, did, task.task_id,
    [{ step_id: extraId, task_id: task.task_id, name: 'extra', predecessor: init.step_id, step_status: 'Pending' }]);
  for (const s of sockets) await s.log.waitFor('step-updated', forStep(extraId));

  // completing the last step completes the task: no step-updated for it
  await updateStepRest(builder.api_key, did, task.task_id, nextId, { step_status: 'Completed', output: 'done', cost: 2 });
  // positive signal after the completion: a new task's init reaches every socket
  const { steps: [init2] } = await createTaskRest(subscriber.api_key, did, { query: 'dedup 2' });
  for (const s of sockets) await s.log.waitFor('step-updated', forStep(init2.step_id));
  await quiet(300);

  for (const s of sockets) {
    const counts = new Map();
    for (const e of s.log.payloads('step-updated')) counts.set(e.step_id, (counts.get(e.step_id) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(counts), {
      [init.step_id]: 1, [nextId]: 1, [extraId]: 1, [init2.step_id]: 1,
    }, `${s.log.label}: one step-updated per step becoming Pending, none for In_Progress/Completed`);
    assert.ok(s.log.payloads('step-updated').every((e) => e.step_status === 'Pending'));
  }
});

test('a stranger cannot join another account\'s agent or task rooms and never receives their events', async (t) => {
  const { builder, did, subscriber } = await world();
  const stranger = await createAccount(unique('rt-stranger'));
  const strangerAgent = await registerAgent(stranger.api_key, unique('rt-stranger-agent'));
  const owner = await socketFor(t, builder.api_key, 'owner');
  const creator = await socketFor(t, subscriber.api_key, 'creator');
  const intruder = await socketFor(t, stranger.api_key, 'stranger');

  // A task with a log the stranger must never see.
  const { task, steps: [init] } = await createTaskRest(subscriber.api_key, did, { query: 'private' });
  send(owner.socket, '_task-log', { task_id: task.task_id, message: 'secret log', level: 'info' });
  await joinRooms(owner.socket, owner.log, { account: true, dids: [did] });

  // Agent room: refused with an `error` naming the event, and not reported as joined.
  send(intruder.socket, '_join-rooms', { joinAccountRoom: true, joinAgentRooms: [did, strangerAgent.did] });
  const refusal = await intruder.log.waitFor('error', (e) => e?.event === '_join-rooms');
  assert.equal(typeof refusal.message, 'string');
  const joined = await intruder.log.waitFor('_join-rooms_');
  assert.deepEqual(joined, { account: true, agents: [strangerAgent.did] }, 'only its own agent room is joined');

  // Task room: not joined, no history replayed.
  const tasksAck = await joinTasks(intruder.socket, intruder.log, [task.task_id]);
  assert.deepEqual(tasksAck.tasks, [], 'the foreign task is not joined');
  // Pending replay for the victim's DID yields nothing.
  send(intruder.socket, '_emit-steps', { status: 'Pending', dids: [did] });
  // A log on the foreign task is refused and not stored.
  send(intruder.socket, '_task-log', { task_id: task.task_id, message: 'injected', level: 'info', task_status: 'Failed' });

  // The creator joins the task room (positive signal for task events).
  await joinTasks(creator.socket, creator.log, [task.task_id]);
  await creator.log.waitFor('task-updated', forTask(task.task_id));

  // Victim activity: a new step, a completion, a log and a new task.
  const nextId = newStepId();
  await createStepsRest(builder.api_key, did, task.task_id,
    [{ step_id: nextId, task_id: task.task_id, name: 'next', predecessor: init.step_id, is_last: true }]);
  await updateStepRest(builder.api_key, did, task.task_id, init.step_id, { step_status: 'Completed', is_last: false, output: 'o' });
  await owner.log.waitFor('step-updated', forStep(nextId));
  send(owner.socket, '_task-log', { task_id: task.task_id, message: 'second secret', level: 'info', task_status: 'In_Progress' });
  await creator.log.waitFor('task-log', (e) => e?.message === 'second secret');
  await updateStepRest(builder.api_key, did, task.task_id, nextId, { step_status: 'Completed', output: 'final' });
  await creator.log.waitFor('task-updated', (e) => e?.task_id === task.task_id && e.task_status === 'Completed');
  const { steps: [other] } = await createTaskRest(subscriber.api_key, did, { query: 'another' });
  await owner.log.waitFor('step-updated', forStep(other.step_id));
  await quiet(400);

  for (const name of ['step-updated', 'task-updated', 'task-log']) {
    assert.deepEqual(intruder.log.payloads(name), [], `the stranger received no ${name}`);
  }
  // Its injected log was neither relayed nor stored, and changed nothing.
  assert.equal(creator.log.all('task-log', (e) => e?.message === 'injected').length, 0);
  const view = await getTaskRest(subscriber.api_key, did, task.task_id);
  assert.deepEqual(view.logs.map((l) => l.message), ['secret log', 'second secret']);
  assert.equal(view.task.task_status, 'Completed');
});

// ---------------------------------------------------------------------------------------------------------
// _emit-steps (docs/protocol.md §5.2)
// ---------------------------------------------------------------------------------------------------------

test('_emit-steps {dids: []} replays all the caller\'s pending steps, oldest first, to that socket only; none of another account', async (t) => {
  const { builder, did, subscriber } = await world();
  const secondAgent = await registerAgent(builder.api_key, unique('rt-agent-2'));
  const other = await world();

  const created = [];
  created.push((await createTaskRest(subscriber.api_key, did, { query: 'a1' })).steps[0]);
  await createTaskRest(other.subscriber.api_key, other.did, { query: 'foreign 1' });
  created.push((await createTaskRest(subscriber.api_key, secondAgent.did, { query: 'b1' })).steps[0]);
  created.push((await createTaskRest(subscriber.api_key, did, { query: 'a2' })).steps[0]);
  await createTaskRest(other.subscriber.api_key, other.did, { query: 'foreign 2' });
  // One of the caller's steps is no longer pending: it must not be replayed as Pending.
  const done = (await createTaskRest(subscriber.api_key, did, { query: 'done' })).steps[0];
  await updateStepRest(builder.api_key, did, done.task_id, done.step_id, { step_status: 'Completed', is_last: true });

  const worker = await socketFor(t, builder.api_key, 'worker');
  const bystander = await socketFor(t, builder.api_key, 'bystander'); // same account, account room joined
  await joinRooms(bystander.socket, bystander.log, { account: true });

  send(worker.socket, '_emit-steps', { status: 'Pending', dids: [] });
  const replayed = [];
  for (let i = 0; i < created.length; i++) replayed.push(await worker.log.waitFor('step-updated'));
  assert.deepEqual(replayed.map((s) => s.step_id), created.map((s) => s.step_id), 'all pending steps, oldest first');
  assert.ok(replayed.every((s) => s.step_status === 'Pending'));
  assert.deepEqual(replayed.map((s) => s.did), [did, secondAgent.did, did]);

  // Restricted to one DID (string payload, as the SDKs send it).
  worker.socket.emit('_emit-steps', JSON.stringify({ status: 'Pending', dids: [secondAgent.did] }));
  const onlySecond = await worker.log.waitFor('step-updated');
  assert.equal(onlySecond.step_id, created[1].step_id);
  // A foreign DID in the list yields nothing for it; the status filter works for other statuses too.
  worker.socket.emit('_emit-steps', JSON.stringify({ status: 'Completed', dids: [other.did, did] }));
  const completed = await worker.log.waitFor('step-updated');
  assert.equal(completed.step_id, done.step_id);
  assert.equal(completed.step_status, 'Completed');
  await quiet(300);

  assert.equal(worker.log.all('step-updated').length, created.length + 2, 'nothing else was replayed');
  assert.deepEqual(bystander.log.payloads('step-updated'), [], 'replay goes to the requesting socket only');
  assert.equal(worker.log.payloads('step-updated').filter((s) => s.did === other.did).length, 0);
});

// ---------------------------------------------------------------------------------------------------------
// Task rooms, history, logs (docs/protocol.md §5.2, §5.3)
// ---------------------------------------------------------------------------------------------------------

test('`_join-tasks_` arrives before the history replay: task-logs (oldest first) then one task-updated snapshot', async (t) => {
  const { builder, did, subscriber } = await world();
  const { task } = await createTaskRest(subscriber.api_key, did, { query: 'history', name: 'history-task' });
  const owner = await socketFor(t, builder.api_key, 'owner');
  // The owner joins the task room too, so it sees its own logs relayed: that is the signal they are stored.
  await joinTasks(owner.socket, owner.log, [task.task_id], false);
  send(owner.socket, '_task-log', { task_id: task.task_id, message: 'first', level: 'info' });
  await owner.log.waitFor('task-log', (e) => e?.message === 'first');
  send(owner.socket, '_task-log', { task_id: task.task_id, message: 'second', level: 'warning', task_status: 'In_Progress' });
  await owner.log.waitFor('task-log', (e) => e?.message === 'second');

  const creator = await socketFor(t, subscriber.api_key, 'creator');
  send(creator.socket, '_join-tasks', { tasks: [task.task_id] }); // history absent = true (Python)
  const ack = await creator.log.waitForEntry('_join-tasks_');
  assert.deepEqual(ack.data, { tasks: [task.task_id] });
  const log1 = await creator.log.waitForEntry('task-log', (e) => e?.message === 'first');
  const log2 = await creator.log.waitForEntry('task-log', (e) => e?.message === 'second');
  const snapshot = await creator.log.waitForEntry('task-updated', forTask(task.task_id));
  assert.ok(ack.seq < log1.seq && log1.seq < log2.seq && log2.seq < snapshot.seq,
    `order must be _join-tasks_, task-log, task-log, task-updated; got ${creator.log.describe()}`);
  assert.equal(log1.data.task_id, task.task_id);
  assert.equal(log1.data.level, 'info');
  assert.equal(log2.data.level, 'warning');
  assert.equal(log2.data.task_status, 'In_Progress');
  assert.equal(typeof log1.data.tl_id, 'string');
  // The snapshot is the task's stored state (a log never changes it).
  assert.equal(snapshot.data.did, did);
  assert.equal(snapshot.data.task_status, 'Pending');
  assert.equal(snapshot.data.status, snapshot.data.task_status, 'status mirrors task_status');
  assert.equal(snapshot.data.name, 'history-task');
  assert.ok('output' in snapshot.data && 'cost' in snapshot.data, 'snapshot has output and cost');

  // history: false → only the ack.
  const late = await socketFor(t, subscriber.api_key, 'no-history');
  assert.deepEqual(await joinTasks(late.socket, late.log, [task.task_id], false), { tasks: [task.task_id] });
  // A second join answers a second ack (once per request), with history.
  assert.deepEqual(await joinTasks(creator.socket, creator.log, [task.task_id], true), { tasks: [task.task_id] });
  await creator.log.waitFor('task-updated', forTask(task.task_id));
  // The no-history socket is in the room anyway: a live log reaches it (positive signal), replay never did.
  send(owner.socket, '_task-log', { task_id: task.task_id, message: 'live', level: 'info' });
  await late.log.waitFor('task-log', (e) => e?.message === 'live');
  await quiet(300);
  assert.deepEqual(late.log.payloads('task-log').map((e) => e.message), ['live'], 'history:false replays nothing');
  assert.deepEqual(late.log.payloads('task-updated'), [], 'history:false sends no snapshot');
  assert.equal(creator.log.all('_join-tasks_').length, 2, 'one ack per request');
});

test('`_join-tasks` sent before the namespace CONNECT (buffered, as TS createTask does) is processed', async (t) => {
  const { did, subscriber } = await world();
  const { task } = await createTaskRest(subscriber.api_key, did, { query: 'buffered' });
  const opened = await openSocket({ token: subscriber.api_key, label: 'buffered' });
  t.after(() => closeSockets(opened.socket));
  opened.socket.emit('_join-tasks', JSON.stringify({ tasks: [task.task_id], history: true })); // before connect
  assert.deepEqual(await opened.log.waitFor('_join-tasks_'), { tasks: [task.task_id] });
  const snapshot = await opened.log.waitFor('task-updated', forTask(task.task_id));
  assert.equal(snapshot.task_status, 'Pending');
});

test('task room: task-updated on every status change (task_id, did, task_status = status, name, output, cost); _task-log relays', async (t) => {
  const { builder, did, subscriber } = await world();
  const { task, steps: [init] } = await createTaskRest(subscriber.api_key, did, { query: 'statuses', name: 'st' });
  const creator = await socketFor(t, subscriber.api_key, 'creator');
  await joinTasks(creator.socket, creator.log, [task.task_id], false);
  const worker = await socketFor(t, builder.api_key, 'worker');

  await updateStepRest(builder.api_key, did, task.task_id, init.step_id, { step_status: 'In_Progress' });
  const progress = await creator.log.waitFor('task-updated', forTask(task.task_id));
  assert.equal(progress.task_status, 'In_Progress');

  // A log from the agent owner (no task room joined) reaches the creator; with task_status also as task-updated.
  send(worker.socket, '_task-log', { task_id: task.task_id, message: 'working', level: 'info', step_id: init.step_id });
  const plain = await creator.log.waitFor('task-log', (e) => e?.message === 'working');
  assert.equal(plain.step_id, init.step_id);
  assert.equal(plain.level, 'info');
  send(worker.socket, '_task-log', { task_id: task.task_id, message: 'almost', level: 'info', task_status: 'In_Progress' });
  const logged = await creator.log.waitFor('task-log', (e) => e?.message === 'almost');
  assert.equal(logged.task_status, 'In_Progress');
  const fromLog = await creator.log.waitFor('task-updated', (e) => e?.task_id === task.task_id && e.message === 'almost');
  assert.equal(fromLog.task_status, 'In_Progress');
  assert.equal(fromLog.status, 'In_Progress');
  assert.equal(fromLog.did, did);
  // A log sent by the task's creator is accepted too.
  send(creator.socket, '_task-log', { task_id: task.task_id, message: 'from the user', level: 'info' });
  await creator.log.waitFor('task-log', (e) => e?.message === 'from the user');

  await updateStepRest(builder.api_key, did, task.task_id, init.step_id,
    { step_status: 'Completed', is_last: true, output: 'the answer', cost: 5 });
  const completed = await creator.log.waitFor('task-updated', (e) => e?.task_id === task.task_id && e.task_status === 'Completed');
  assert.equal(completed.status, 'Completed');
  assert.equal(completed.did, did);
  assert.equal(completed.name, 'st');
  assert.equal(completed.output, 'the answer');
  assert.equal(BigInt(completed.cost), 5n);

  const view = await getTaskRest(subscriber.api_key, did, task.task_id);
  assert.deepEqual(view.logs.map((l) => l.message), ['working', 'almost', 'from the user']);
  assert.equal(view.task.task_status, 'Completed', 'logs never changed the task state');
});

// ---------------------------------------------------------------------------------------------------------
// Payload types, garbage, unknown events (docs/protocol.md §5.2, §8)
// ---------------------------------------------------------------------------------------------------------

test('payload types: every inbound event works with a JSON string and with an object', async (t) => {
  const { builder, did, subscriber } = await world();
  const { task, steps: [init] } = await createTaskRest(subscriber.api_key, did, { query: 'payload types' });

  for (const asObject of [false, true]) {
    const how = asObject ? 'object' : 'string';
    const worker = await socketFor(t, builder.api_key, `worker-${how}`);
    const opts = { asObject };

    send(worker.socket, '_join-rooms', { joinAccountRoom: true, joinAgentRooms: [did] }, opts);
    assert.deepEqual(await worker.log.waitFor('_join-rooms_'), { account: true, agents: [did] }, `_join-rooms as ${how}`);

    send(worker.socket, '_emit-steps', { status: 'Pending', dids: [did] }, opts);
    const replay = await worker.log.waitFor('step-updated');
    assert.equal(replay.step_id, init.step_id, `_emit-steps as ${how}`);

    send(worker.socket, '_join-tasks', { tasks: [task.task_id], history: false }, opts);
    assert.deepEqual(await worker.log.waitFor('_join-tasks_'), { tasks: [task.task_id] }, `_join-tasks as ${how}`);

    send(worker.socket, '_task-log', { task_id: task.task_id, message: `log as ${how}`, level: 'info' }, opts);
    const relayed = await worker.log.waitFor('task-log', (e) => e?.message === `log as ${how}`);
    assert.equal(relayed.task_id, task.task_id, `_task-log as ${how}`);
  }
  const view = await getTaskRest(subscriber.api_key, did, task.task_id);
  assert.deepEqual(view.logs.map((l) => l.message), ['log as string', 'log as object']);
});

test('garbage payloads get an `error` event, change nothing, and the connection stays up', async (t) => {
  const { builder, did, subscriber } = await world();
  const { task } = await createTaskRest(subscriber.api_key, did, { query: 'garbage' });
  const worker = await socketFor(t, builder.api_key, 'garbage');
  const watcher = await socketFor(t, builder.api_key, 'watcher');
  await joinRooms(watcher.socket, watcher.log, { account: true });

  const cases = [];
  for (const event of ['_join-rooms', '_emit-steps', '_join-tasks', '_task-log']) {
    cases.push([event, '{not json'], [event, 42], [event, [1, 2]], [event, true], [event, '"a JSON string"'], [event, '[]']);
  }
  cases.push(
    ['_join-rooms', { joinAccountRoom: 'yes', joinAgentRooms: [did] }],
    ['_join-rooms', { joinAccountRoom: true, joinAgentRooms: 5 }],
    ['_join-rooms', { joinAccountRoom: true, joinAgentRooms: [5] }],
    ['_emit-steps', { status: 7, dids: [] }],
    ['_emit-steps', { status: 'Bogus', dids: [] }],
    ['_join-tasks', { tasks: [1] }],
    ['_join-tasks', { tasks: [task.task_id], history: 'yes' }],
    ['_task-log', { task_id: task.task_id }],
    ['_task-log', { task_id: task.task_id, message: { text: 'object' }, level: 'info' }],
    ['_task-log', { task_id: task.task_id, message: 'bad level', level: {} }],
    ['_task-log', { task_id: [task.task_id], message: 'array id', level: 'info' }],
    ['_task-log', { task_id: task.task_id, message: 'bad status', level: 'info', task_status: 'Bogus' }],
  );
  for (const [event, payload] of cases) {
    worker.socket.emit(event, payload);
    const error = await worker.log.waitFor('error', undefined, 3000).catch((e) => {
      throw new Error(`${event} ${JSON.stringify(payload)}: ${e.message}`);
    });
    assert.equal(typeof error.message, 'string', `${event} ${JSON.stringify(payload)}: error has a message`);
    assert.equal(error.event, event, `${event} ${JSON.stringify(payload)}: error names the event`);
  }
  assert.ok(worker.socket.connected, 'still connected after garbage');
  assert.equal(worker.log.all('$disconnect').length, 0);

  // A valid request still works on the same socket.
  send(worker.socket, '_join-tasks', { tasks: [task.task_id], history: false });
  assert.deepEqual(await worker.log.waitFor('_join-tasks_'), { tasks: [task.task_id] });
  send(worker.socket, '_emit-steps', { status: 'Pending', dids: [did] });
  assert.equal((await worker.log.waitFor('step-updated')).task_id, task.task_id);

  // Nothing changed: the malformed joins joined no room, the malformed logs stored nothing.
  const { steps: [init2] } = await createTaskRest(subscriber.api_key, did, { query: 'after garbage' });
  await watcher.log.waitFor('step-updated', forStep(init2.step_id));
  await quiet(300);
  assert.equal(worker.log.all('step-updated', forStep(init2.step_id)).length, 0, 'a malformed _join-rooms joined nothing');
  const view = await getTaskRest(subscriber.api_key, did, task.task_id);
  assert.deepEqual(view.logs, [], 'malformed _task-log stored nothing');
  assert.equal(view.task.task_status, 'Pending');
  assert.equal(worker.log.all('_join-rooms_').length, 0, 'no _join-rooms_ for a rejected request');
});

test('unknown events (legacy subscribe-agent, server event names, nonsense) are ignored without disconnecting', async (t) => {
  const { builder, did } = await world();
  const worker = await socketFor(t, builder.api_key, 'unknown');
  worker.socket.emit('subscribe-agent', JSON.stringify({ did }));
  worker.socket.emit('subscribe-agent', { did });
  worker.socket.emit('no-such-event', 'x', 1, { a: 1 });
  worker.socket.emit('step-updated', JSON.stringify({ step_id: 'step-x' }));
  worker.socket.emit('_connected');
  worker.socket.emit('_join-rooms_', '{}');
  // A valid request after them is answered; nothing was answered to the unknown events.
  const joined = await joinRooms(worker.socket, worker.log, { dids: [did] });
  assert.deepEqual(joined, { account: false, agents: [did] });
  assert.ok(worker.socket.connected);
  assert.equal(worker.log.all('$disconnect').length, 0);
  assert.deepEqual(worker.log.entries.filter((e) => !e.name.startsWith('$')).map((e) => e.name), ['_connected', '_join-rooms_'],
    'unknown events got no answer (not even `error`), and `_connected` was not repeated');
});

// ---------------------------------------------------------------------------------------------------------
// Wire format of every server event recorded above (docs/protocol.md §5.2)
// ---------------------------------------------------------------------------------------------------------

test('every server event received in this file carried exactly one argument, a JSON string', () => {
  const all = socketLogs.flatMap((log) => log.entries.filter((e) => !e.name.startsWith('$')));
  assert.ok(all.length > 50, `enough events were recorded (${all.length})`);
  const bad = socketLogs.flatMap((log) => log.malformed().filter((e) => !e.name.startsWith('$'))
    .map((e) => `${log.label}: ${e.name}(${e.args.map((a) => typeof a).join(', ')})`));
  assert.deepEqual(bad, []);
  const names = new Set(all.map((e) => e.name));
  for (const name of ['_connected', '_join-rooms_', '_join-tasks_', 'step-updated', 'task-updated', 'task-log', 'error']) {
    assert.ok(names.has(name), `${name} was seen`);
  }
});

