// The REST half of the Query Protocol, driven through the real TypeScript SDK @nevermined-io/payments 0.8.4.
//
//   HUB_URL=http://localhost:3001 HUB_ADMIN_TOKEN=... node --test rest.test.mjs
//
// Every test makes its own accounts: a builder that registers an agent and a separate subscriber.
// The SDK reports HTTP errors by returning an axios-shaped {status, data} (it never throws on 4xx/5xx
// except in getServiceAccessConfig, which throws `${statusText} - ${body}`, and getStep, which throws
// "Step with id ... not found" unless the search answers 200 with a non-empty list).
import test from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
  HUB_URL,
  closeSdk,
  expectError,
  expectStatus,
  hubRequest,
  loadSdk,
  newBuilder,
  newSubscriber,
  revokeKey,
} from './lib/hub.mjs';

const { AgentExecutionStatus: S, FIRST_STEP_NAME, UPDATE_STEP_ENDPOINT, isStepIdValid } = await loadSdk();

const TASK_ID = /^task-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ADDRESS = /^0x[0-9a-f]{40}$/;

const newStepId = () => `step-${crypto.randomUUID()}`;

/** Fresh builder + subscriber; the subscriber creates one task through the SDK's service-token flow. */
async function world(t, query = 'https://www.youtube.com/watch?v=0tZFQs7qBfQ') {
  const builder = await newBuilder();
  const subscriber = await newSubscriber();
  t.after(() => closeSdk(builder.payments, subscriber.payments));
  const created = await subscriber.payments.query.createTask(builder.did, {
    query,
    name: 'transcribe',
    additional_params: [],
    artifacts: [],
  });
  const data = expectStatus(created, 201, 'createTask');
  const task = data.task;
  const init = data.steps.find((s) => s.name === FIRST_STEP_NAME);
  assert.ok(init, 'createTask returns the init step');
  return { builder, subscriber, did: builder.did, task, taskId: task.task_id, init, query };
}

/** The subscriber's view of the task (R3), asserted to be 200. */
async function fullTask(subscriber, did, taskId) {
  return expectStatus(await subscriber.payments.query.getTaskWithSteps(did, taskId), 200, 'getTaskWithSteps');
}

function assertIsoDate(value, what) {
  assert.equal(typeof value, 'string', `${what} is a string`);
  assert.ok(!Number.isNaN(Date.parse(value)), `${what} is a date: ${value}`);
}

/** Records the URLs of global fetch calls (the SDK fetches the service token with fetch, REST with axios). */
function recordFetch(t) {
  const original = globalThis.fetch;
  const urls = [];
  globalThis.fetch = (input, init) => {
    urls.push(String(input instanceof Request ? input.url : input));
    return original(input, init);
  };
  t.after(() => {
    globalThis.fetch = original;
  });
  return urls;
}

test('createTask through the SDK service-token flow answers 201 with the task and its init step', async (t) => {
  const builder = await newBuilder();
  const subscriber = await newSubscriber();
  t.after(() => closeSdk(builder.payments, subscriber.payments));
  const did = builder.did;

  // The access config the SDK will fetch for itself, asked for explicitly once.
  const config = await subscriber.payments.query.getServiceAccessConfig(did);
  assert.equal(typeof config.accessToken, 'string');
  assert.ok(config.accessToken.length > 0);
  assert.equal(typeof config.neverminedProxyUri, 'string');
  assert.ok(new URL(config.neverminedProxyUri).origin, 'neverminedProxyUri is an absolute URL');

  const fetched = recordFetch(t);
  const query = `summarise ${crypto.randomUUID()}`;
  const result = await subscriber.payments.query.createTask(did, {
    query,
    name: 'summary',
    additional_params: [],
    artifacts: [],
  });
  const data = expectStatus(result, 201, 'createTask');
  assert.deepEqual(fetched, [`${HUB_URL}/api/v1/payments/service/token/${did}`],
    'with no access token the SDK fetched one from R1 on the backend');

  const { task, steps } = data;
  assert.match(task.task_id, TASK_ID);
  assert.equal(task.did, did);
  assert.equal(task.task_status, S.Pending);
  assert.equal(task.input_query, query);
  assert.equal(task.name, 'summary');
  assert.equal(task.user, subscriber.account.address);
  assert.equal(task.owner, builder.account.address);
  assert.equal(task.output, '');
  assert.equal(BigInt(task.cost), 0n);
  assertIsoDate(task.createdAt, 'task.createdAt');
  assertIsoDate(task.updatedAt, 'task.updatedAt');

  assert.equal(steps.length, 1, 'exactly one step: init');
  const [init] = steps;
  assert.equal(init.name, FIRST_STEP_NAME);
  assert.ok(isStepIdValid(init.step_id), `server step id passes the SDK validator: ${init.step_id}`);
  assert.equal(init.task_id, task.task_id);
  assert.equal(init.did, did);
  assert.equal(init.step_status, S.Pending);
  assert.equal(init.input_query, query);
  assert.equal(init.is_last, false);
  assert.equal(init.order, 1);
  assert.equal(init.predecessor ?? null, null);

  // A second task gets a different id; the SDK fetches a token again (its cache is never filled).
  const again = expectStatus(await subscriber.payments.query.createTask(did, { query: 'second' }), 201, 'createTask 2');
  assert.notEqual(again.task.task_id, task.task_id);
  assert.equal(fetched.length, 2);

  // Checklist 22: a task without a query is refused with a JSON 400.
  expectError(await subscriber.payments.query.createTask(did, { name: 'no query' }), 400, 'createTask without query');
});

test('getTaskWithSteps as the subscriber answers 200 with task, steps and logs', async (t) => {
  const { builder, subscriber, did, taskId, init, query } = await world(t);

  const data = await fullTask(subscriber, did, taskId);
  assert.equal(data.task.task_id, taskId);
  assert.equal(data.task.did, did);
  assert.equal(data.task.task_status, S.Pending);
  assert.equal(data.task.input_query, query);
  assert.equal(data.task.user, subscriber.account.address);
  assert.equal(data.task.owner, builder.account.address);
  assert.match(data.task.user, ADDRESS);
  assert.equal(BigInt(data.task.cost), 0n);
  assert.ok(Array.isArray(data.steps));
  assert.equal(data.steps.length, 1);
  assert.equal(data.steps[0].step_id, init.step_id);
  assert.equal(data.steps[0].name, FIRST_STEP_NAME);
  assert.equal(data.steps[0].input_query, query);
  assert.equal(data.steps[0].step_status, S.Pending);
  assert.ok(Array.isArray(data.logs), 'logs is an array');
  assert.equal(data.logs.length, 0);

  // Explicit access config (the documented TS usage) reaches the same task.
  const config = await subscriber.payments.query.getServiceAccessConfig(did);
  const explicit = expectStatus(await subscriber.payments.query.getTaskWithSteps(did, taskId, config), 200,
    'getTaskWithSteps with explicit access token');
  assert.equal(explicit.task.task_id, taskId);

  // An unknown task id is a JSON 404.
  expectError(await subscriber.payments.query.getTaskWithSteps(did, `task-${crypto.randomUUID()}`), 404,
    'getTaskWithSteps of an unknown task');
});

test('builder listings and searches find the new task and its init step', async (t) => {
  const { builder, did, taskId, init, query } = await world(t);
  const q = builder.payments.query;

  // R9 through getSteps(status, dids): ?&status=Pending&dids=<did>
  const pending = expectStatus(await q.getSteps(S.Pending, [did]), 200, 'getSteps(Pending, [did])');
  assert.equal(typeof pending.totalResults, 'number');
  const found = pending.steps.find((s) => s.step_id === init.step_id);
  assert.ok(found, 'getSteps(Pending, [did]) includes the init step');
  assert.equal(found.did, did);
  assert.equal(found.task_id, taskId);
  assert.equal(found.input_query, query);
  assert.ok(pending.steps.every((s) => s.did === did && s.step_status === S.Pending));

  // Defaults: getSteps() sends ?&status=Pending with no dids (all the caller's agents).
  const all = expectStatus(await q.getSteps(), 200, 'getSteps()');
  assert.ok(all.steps.some((s) => s.step_id === init.step_id));
  const none = expectStatus(await q.getSteps(S.Completed, [did]), 200, 'getSteps(Completed, [did])');
  assert.equal(none.steps.length, 0);
  assert.equal(none.totalResults, 0);

  // R8 through getStepsFromTask
  const fromTask = expectStatus(await q.getStepsFromTask(did, taskId), 200, 'getStepsFromTask');
  assert.equal(fromTask.totalResults, 1);
  assert.deepEqual(fromTask.steps.map((s) => s.step_id), [init.step_id]);
  const fromTaskPending = expectStatus(await q.getStepsFromTask(did, taskId, S.Pending), 200, 'getStepsFromTask Pending');
  assert.deepEqual(fromTaskPending.steps.map((s) => s.step_id), [init.step_id]);
  const fromTaskDone = expectStatus(await q.getStepsFromTask(did, taskId, S.Completed), 200, 'getStepsFromTask Completed');
  assert.equal(fromTaskDone.steps.length, 0);

  // R7 through getStep (client-side id validation, then search by step_id, requires exactly 200)
  const step = await q.getStep(init.step_id);
  assert.equal(step.step_id, init.step_id);
  assert.equal(step.task_id, taskId);
  assert.equal(step.did, did);
  assert.equal(step.name, FIRST_STEP_NAME);
  assert.equal(step.step_status, S.Pending);
  assert.equal(step.input_query, query);
  await assert.rejects(q.getStep('step-not-a-uuid'), /Invalid step id/);
  await assert.rejects(q.getStep(newStepId()), /not found/);

  // R7 through searchSteps
  const searched = expectStatus(await q.searchSteps({ task_id: taskId }), 200, 'searchSteps');
  assert.equal(searched.totalResults, 1);
  assert.ok(Number.isInteger(searched.page), 'page is an integer');
  assert.ok(Number.isInteger(searched.offset), 'offset is an integer');
  assert.deepEqual(searched.steps.map((s) => s.step_id), [init.step_id]);
  const byName = expectStatus(await q.searchSteps({ did, name: FIRST_STEP_NAME, step_status: S.Pending }), 200,
    'searchSteps by did+name+status');
  assert.ok(byName.steps.some((s) => s.step_id === init.step_id));

  // R6 through searchTasks
  const tasks = expectStatus(await q.searchTasks({ did }), 200, 'searchTasks');
  assert.equal(tasks.totalResults, 1);
  assert.ok(Number.isInteger(tasks.page));
  assert.ok(Number.isInteger(tasks.offset));
  assert.equal(tasks.tasks[0].task_id, taskId);
  assert.equal(tasks.tasks[0].did, did);
  const byId = expectStatus(await q.searchTasks({ task_id: taskId, task_status: S.Pending }), 200, 'searchTasks by id');
  assert.deepEqual(byId.tasks.map((x) => x.task_id), [taskId]);
  const noMatch = expectStatus(await q.searchTasks({ did, task_status: S.Completed }), 200, 'searchTasks Completed');
  assert.equal(noMatch.totalResults, 0);

  // R10 through getTasksFromAgents
  const owned = expectStatus(await q.getTasksFromAgents(), 200, 'getTasksFromAgents');
  assert.equal(typeof owned.totalResults, 'number');
  assert.ok(owned.tasks.some((x) => x.task_id === taskId));
});

test('multi-step workflow: createSteps, successor activation, task completion with summed cost', async (t) => {
  const { builder, subscriber, did, taskId, init } = await world(t, 'the user query');
  const q = builder.payments.query;

  // Two follow-up steps chained by predecessor, client-generated ids, the second is_last.
  const transcriptId = newStepId();
  const summaryId = newStepId();
  const created = await q.createSteps(did, taskId, {
    steps: [
      { step_id: transcriptId, task_id: taskId, name: 'transcript', predecessor: init.step_id, is_last: false },
      { step_id: summaryId, task_id: taskId, name: 'summary', predecessor: transcriptId, is_last: true },
    ],
  });
  const createdData = expectStatus(created, 201, 'createSteps');
  assert.ok(createdData && typeof createdData === 'object', 'createSteps answers a JSON body');
  assert.ok(Array.isArray(createdData.steps));
  const byId = new Map(createdData.steps.map((s) => [s.step_id, s]));
  assert.deepEqual([...byId.keys()].sort(), [transcriptId, summaryId].sort(), 'client step ids are honoured');
  assert.equal(byId.get(transcriptId).step_status, S.Not_Ready, 'predecessor init is not done yet');
  assert.equal(byId.get(summaryId).step_status, S.Not_Ready);
  assert.equal(byId.get(transcriptId).order, 2);
  assert.equal(byId.get(summaryId).order, 3);
  assert.equal(byId.get(summaryId).is_last, true);
  assert.equal(byId.get(summaryId).did, did);

  // Complete init (not last) with an output and cost 1.
  const initDone = await q.updateStep(did, {
    step_id: init.step_id,
    task_id: taskId,
    did,
    step_status: S.Completed,
    is_last: false,
    output: 'transcript-input',
    cost: 1,
  });
  const initRecord = expectStatus(initDone, 201, 'updateStep init');
  assert.equal(initRecord.step_id, init.step_id);
  assert.equal(initRecord.step_status, S.Completed);

  // The next step is Pending and received init's output as its input.
  const transcript = await q.getStep(transcriptId);
  assert.equal(transcript.step_status, S.Pending);
  assert.equal(transcript.input_query, 'transcript-input');
  assert.equal(transcript.predecessor, init.step_id);
  const summaryWaiting = await q.getStep(summaryId);
  assert.equal(summaryWaiting.step_status, S.Not_Ready, 'the last step still waits for its predecessor');
  const pendingNow = expectStatus(await q.getSteps(S.Pending, [did]), 200, 'getSteps after init');
  assert.deepEqual(pendingNow.steps.filter((s) => s.task_id === taskId).map((s) => s.step_id), [transcriptId]);

  let view = await fullTask(subscriber, did, taskId);
  assert.equal(view.task.task_status, S.In_Progress, 'task is in progress once a non-last step completes');
  assert.equal(BigInt(view.task.cost), 1n);

  // Complete the middle step (TS e2e style: spread the stored record from getStep).
  expectStatus(await q.updateStep(did, {
    ...transcript,
    step_status: S.Completed,
    output: 'the transcript',
    cost: 2,
  }), 201, 'updateStep transcript');
  const summary = await q.getStep(summaryId);
  assert.equal(summary.step_status, S.Pending);
  assert.equal(summary.input_query, 'the transcript', 'input propagated from the predecessor output');
  view = await fullTask(subscriber, did, taskId);
  assert.equal(view.task.task_status, S.In_Progress);

  // Complete the last step without resending is_last: effective is_last comes from creation.
  expectStatus(await q.updateStep(did, {
    step_id: summaryId,
    task_id: taskId,
    step_status: S.Completed,
    output: 'LFG!',
    output_additional: { words: 1 },
    output_artifacts: [{ artifact_id: 'art-1', url: 'https://example.invalid/summary.txt' }],
    cost: 3,
  }), 201, 'updateStep summary');

  view = await fullTask(subscriber, did, taskId);
  assert.equal(view.task.task_status, S.Completed);
  assert.equal(view.task.output, 'LFG!', 'task output copied from the last step');
  assert.deepEqual(view.task.output_additional, { words: 1 });
  assert.deepEqual(view.task.output_artifacts, [{ artifact_id: 'art-1', url: 'https://example.invalid/summary.txt' }]);
  const stepCosts = view.steps.reduce((sum, s) => sum + BigInt(s.cost ?? 0), 0n);
  assert.equal(stepCosts, 6n);
  assert.equal(BigInt(view.task.cost), stepCosts, 'task cost is the sum of the step costs');
  assert.deepEqual(view.steps.map((s) => s.step_id), [init.step_id, transcriptId, summaryId], 'steps ordered by order');
  assert.ok(view.steps.every((s) => s.step_status === S.Completed));

  // The builder sees the same end state.
  const done = expectStatus(await q.searchTasks({ task_id: taskId }), 200, 'searchTasks after completion');
  assert.equal(done.tasks[0].task_status, S.Completed);
  assert.equal(BigInt(done.tasks[0].cost), 6n);
});

test('a failed step fails the task', async (t) => {
  const { builder, subscriber, did, taskId, init } = await world(t);
  const q = builder.payments.query;

  const nextId = newStepId();
  expectStatus(await q.createSteps(did, taskId, {
    steps: [{ step_id: nextId, task_id: taskId, name: 'never-runs', predecessor: init.step_id, is_last: true }],
  }), 201, 'createSteps');

  const failed = expectStatus(await q.updateStep(did, {
    step_id: init.step_id,
    task_id: taskId,
    step_status: S.Failed,
    output: 'boom: the video is private',
  }), 201, 'updateStep Failed');
  assert.equal(failed.step_status, S.Failed);

  const view = await fullTask(subscriber, did, taskId);
  assert.equal(view.task.task_status, S.Failed);
  assert.equal(view.task.output, 'boom: the video is private', 'the failure reason is the task output');
  assert.equal(view.steps.find((s) => s.step_id === init.step_id).step_status, S.Failed);
  const never = view.steps.find((s) => s.step_id === nextId);
  assert.equal(never.step_status, S.Failed, 'the successor that never ran is closed with its task');
  assert.match(never.output, /^closed:/);

  // Terminal states are final: completing the failed step is refused (409 naming both statuses) and changes nothing.
  const refused = expectError(await q.updateStep(did, {
    step_id: init.step_id,
    task_id: taskId,
    step_status: S.Completed,
    is_last: true,
    output: 'too late',
  }), 409, 'updateStep on a terminal step');
  assert.match(refused.message, /Failed.*Completed/);
  const after = await fullTask(subscriber, did, taskId);
  assert.equal(after.task.task_status, S.Failed);
  assert.equal(after.task.output, 'boom: the video is private');
  assert.equal((await q.getStep(init.step_id)).step_status, S.Failed);
  const failedTasks = expectStatus(await q.searchTasks({ did, task_status: S.Failed }), 200, 'searchTasks Failed');
  assert.deepEqual(failedTasks.tasks.map((x) => x.task_id), [taskId]);
});

test('authorisation as seen through the SDK', async (t) => {
  const { builder, subscriber, did, taskId, init } = await world(t);
  const intruder = await newBuilder('intruder');
  t.after(() => closeSdk(intruder.payments));

  // Another builder cannot update or read the first builder's steps.
  expectError(await intruder.payments.query.updateStep(did, {
    step_id: init.step_id,
    task_id: taskId,
    step_status: S.Completed,
    is_last: true,
    output: 'hijacked',
  }), [403, 404], 'foreign builder updateStep');
  await assert.rejects(intruder.payments.query.getStep(init.step_id), /not found/);
  const foreignSearch = expectStatus(await intruder.payments.query.searchSteps({ step_id: init.step_id }), 200,
    'foreign searchSteps');
  assert.equal(foreignSearch.totalResults, 0);
  assert.equal(foreignSearch.steps.length, 0);
  const foreignTasks = expectStatus(await intruder.payments.query.searchTasks({ did }), 200, 'foreign searchTasks');
  assert.equal(foreignTasks.totalResults, 0);
  const foreignSteps = expectStatus(await intruder.payments.query.getSteps(S.Pending, [did]), 200, 'foreign getSteps');
  assert.equal(foreignSteps.steps.length, 0);
  expectError(await intruder.payments.query.createSteps(did, taskId, {
    steps: [{ step_id: newStepId(), name: 'injected', predecessor: init.step_id }],
  }), [403, 404], 'foreign builder createSteps');
  // ... nor read a task it neither created nor owns (its own access token is valid, the task is not its).
  expectError(await intruder.payments.query.getTaskWithSteps(did, taskId), [403, 404], 'foreign getTaskWithSteps');

  // The subscriber created the task but does not own the agent: it cannot update its steps.
  expectError(await subscriber.payments.query.updateStep(did, {
    step_id: init.step_id,
    task_id: taskId,
    step_status: S.Completed,
    is_last: true,
    output: 'self-served',
  }), [403, 404], 'subscriber updateStep');
  await assert.rejects(subscriber.payments.query.getStep(init.step_id), /not found/);

  // Nothing changed.
  const untouched = await builder.payments.query.getStep(init.step_id);
  assert.equal(untouched.step_status, S.Pending);
  assert.equal(untouched.output ?? null, null);
  const view = await fullTask(subscriber, did, taskId);
  assert.equal(view.task.task_status, S.Pending);
  assert.equal(view.steps.length, 1, 'no injected step');

  // An access token opens only the task routes of its agent, never the builder routes.
  const { accessToken } = await subscriber.payments.query.getServiceAccessConfig(did);
  const withToken = await hubRequest('POST', '/api/v1/agents/search/steps', { token: accessToken, body: {} });
  assert.ok([401, 403].includes(withToken.status), `access token on a builder route: HTTP ${withToken.status}`);

  // A revoked key is refused: the builder's on builder routes, the subscriber's on R1 ...
  await revokeKey(builder.account.key_id);
  expectError(await builder.payments.query.searchSteps({ task_id: taskId }), 401, 'revoked builder key searchSteps');
  expectError(await builder.payments.query.updateStep(did, {
    step_id: init.step_id, task_id: taskId, step_status: S.Completed, is_last: true, output: 'x',
  }), 401, 'revoked builder key updateStep');
  await assert.rejects(builder.payments.query.getStep(init.step_id), /not found/);

  await revokeKey(subscriber.account.key_id);
  await assert.rejects(subscriber.payments.query.createTask(did, { query: 'after revocation' }), /Unauthorized/,
    'the SDK throws when R1 refuses the revoked key');
  await assert.rejects(subscriber.payments.query.getTaskWithSteps(did, taskId), /Unauthorized/);
  // ... and an access token issued under the revoked key stops working too.
  expectError(await subscriber.payments.query.getTaskWithSteps(did, taskId, { accessToken }), 401,
    'access token of a revoked key');
});

test('update bodies: TS-style spread of the getStep record and Python-style {step_status, output}', async (t) => {
  const { builder, subscriber, did, taskId, init } = await world(t);
  const q = builder.payments.query;

  // The SDK itself refuses a body without task_id/step_id before sending anything.
  await assert.rejects(q.updateStep(did, { step_status: S.Completed, output: 'x' }),
    /must contain the task_id and step_id/);

  const finalId = newStepId();
  expectStatus(await q.createSteps(did, taskId, {
    steps: [{ step_id: finalId, task_id: taskId, name: 'final', predecessor: init.step_id, is_last: true, order: 2 }],
  }), 201, 'createSteps');

  // TS example agents: spread the whole stored record (timestamps, retries, is_waiting, order, input_*, ...).
  const stored = await q.getStep(init.step_id);
  assert.ok('createdAt' in stored && 'updatedAt' in stored, 'getStep returns the full record');
  const spread = { ...stored, step_status: S.Completed, output: 'spread output', cost: 4 };
  const spreadResult = expectStatus(await q.updateStep(did, spread), 201, 'updateStep with the spread record');
  assert.equal(spread.did, undefined, 'the SDK deleted did from the body it sent');
  assert.equal(spreadResult.step_id, init.step_id);
  assert.equal(spreadResult.step_status, S.Completed);
  assert.equal(spreadResult.output, 'spread output');
  assert.equal(BigInt(spreadResult.cost), 4n);

  const final = await q.getStep(finalId);
  assert.equal(final.step_status, S.Pending);
  assert.equal(final.input_query, 'spread output');

  // Python example agents: only {step_status, output}, no ids (the path is authoritative). The SDK's
  // updateStep cannot send that, so use the SDK's own HTTP layer (same headers, same host) for the PUT.
  const path = UPDATE_STEP_ENDPOINT.replace('{did}', did).replace('{taskId}', taskId).replace('{stepId}', finalId);
  const pyResult = await q.put(path, { step_status: S.Completed, output: 'python output' }, { sendThroughProxy: false });
  const pyRecord = expectStatus(pyResult, 201, 'Python-style update body');
  assert.equal(pyRecord.step_id, finalId);
  assert.equal(pyRecord.task_id, taskId);
  assert.equal(pyRecord.step_status, S.Completed);
  assert.equal(pyRecord.output, 'python output');

  const view = await fullTask(subscriber, did, taskId);
  assert.equal(view.task.task_status, S.Completed, 'stored is_last completes the task');
  assert.equal(view.task.output, 'python output');
  assert.equal(BigInt(view.task.cost), 4n);

  // Single-step task completed with the spread record overriding is_last (TS e2e agent style).
  const second = expectStatus(await subscriber.payments.query.createTask(did, { query: 'one step' }), 201, 'createTask');
  const secondInit = await q.getStep(second.steps[0].step_id);
  expectStatus(await q.updateStep(did, {
    ...secondInit,
    step_status: S.Completed,
    is_last: true,
    output: 'LFG!',
    cost: 1,
  }), 201, 'updateStep single step');
  const secondView = await fullTask(subscriber, did, second.task.task_id);
  assert.equal(secondView.task.task_status, S.Completed);
  assert.equal(secondView.task.output, 'LFG!');
  assert.ok(BigInt(secondView.task.cost) > 0n);
  assert.equal(BigInt(secondView.task.cost), 1n);

  // Ids in the body never redirect the update: the path wins.
  const third = expectStatus(await subscriber.payments.query.createTask(did, { query: 'path wins' }), 201, 'createTask');
  const thirdInitId = third.steps[0].step_id;
  const misdirected = await q.put(
    UPDATE_STEP_ENDPOINT.replace('{did}', did).replace('{taskId}', third.task.task_id).replace('{stepId}', thirdInitId),
    { step_id: init.step_id, task_id: taskId, step_status: S.In_Progress },
    { sendThroughProxy: false });
  const misRecord = expectStatus(misdirected, 201, 'update with foreign ids in the body');
  assert.equal(misRecord.step_id, thirdInitId);
  assert.equal(misRecord.step_status, S.In_Progress);
  assert.equal((await q.getStep(init.step_id)).step_status, S.Completed, 'the step named in the body is untouched');
  const thirdView = await fullTask(subscriber, did, third.task.task_id);
  assert.equal(thirdView.task.task_status, S.In_Progress, 'In_Progress step moves a Pending task to In_Progress');

  // An invalid status is a JSON 400.
  expectError(await q.updateStep(did, { step_id: thirdInitId, task_id: third.task.task_id, step_status: 'Done' }), 400,
    'updateStep with an unknown status');
});
