// What a CI job does with `java -jar hub.jar dev`: read the JSON line it printed (here from the file named by
// HUB_DEV_OUTPUT) and drive the seeded builder, user and agent through a task with the real TypeScript SDK,
// with no setup of its own: no admin calls, no accounts or agents made here.
//
//   HUB_DEV_OUTPUT=/tmp/hub-dev.json node --test devmode.test.mjs
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const devFile = process.env.HUB_DEV_OUTPUT;
if (!devFile) throw new Error('HUB_DEV_OUTPUT must name the file `hub dev` wrote its JSON line to');
const dev = JSON.parse(readFileSync(devFile, 'utf8'));
for (const field of ['url', 'admin_token']) assert.equal(typeof dev[field], 'string', `dev JSON: ${field}`);
for (const who of ['builder', 'user']) {
  assert.match(dev[who].address, /^0x[0-9a-f]{40}$/, `dev JSON: ${who}.address`);
  assert.equal(typeof dev[who].api_key, 'string', `dev JSON: ${who}.api_key`);
}
assert.match(dev.agent.did, /^did:nv:[0-9a-f]{64}$/, 'dev JSON: agent.did');

// The shared helpers read where the hub is from the environment when they are first imported.
process.env.HUB_URL = dev.url;
process.env.HUB_ADMIN_TOKEN = dev.admin_token;
const { EventLog, closeSdk, expectStatus, loadSdk, newStepId, sdkFor } = await import('./lib/hub.mjs');
const { AgentExecutionStatus: S, FIRST_STEP_NAME } = await loadSdk();

test('the seeded builder\'s worker runs a two-step task the seeded user submits to the seeded agent', async (t) => {
  const builder = await sdkFor(dev.builder.api_key);
  const user = await sdkFor(dev.user.api_key);
  t.after(() => closeSdk(builder, user));
  const did = dev.agent.did;
  const answerId = newStepId();
  const errors = [];
  const received = new EventLog('dev worker');

  const complete = async (step, fields) => expectStatus(
    await builder.query.updateStep(did, { step_id: step.step_id, task_id: step.task_id, did, step_status: S.Completed, ...fields }),
    201, `updateStep ${step.name}`);
  // The SDK's default subscribe: the builder's account room, with its pending steps replayed.
  await builder.query.subscribe((data) => {
    const step = JSON.parse(data);
    received.push('step-updated', [data]);
    Promise.resolve().then(async () => {
      if (step.step_status !== S.Pending) return;
      if (step.name === FIRST_STEP_NAME) {
        expectStatus(await builder.query.createSteps(did, step.task_id, {
          steps: [{ step_id: answerId, task_id: step.task_id, name: 'answer', predecessor: step.step_id, is_last: true }],
        }), 201, 'createSteps');
        await complete(step, { is_last: false, output: 'planned', cost: 1 });
      } else if (step.name === 'answer') {
        await builder.query.logTask({ task_id: step.task_id, step_id: step.step_id, message: 'answering', level: 'info' });
        await complete(step, { output: `answer to ${step.input_query}`, cost: 2 });
      }
    }).catch((error) => errors.push(error));
  });

  const updates = new EventLog('dev user');
  const created = expectStatus(await user.query.createTask(did, { query: 'dev mode', name: 'from CI' }, undefined,
    (data) => updates.push('task-updated', [data])), 201, 'createTask');
  const taskId = created.task.task_id;
  const done = await updates.waitFor('task-updated', (e) => e?.task_id === taskId && e.task_status === S.Completed, 20000);
  assert.equal(done.output, 'answer to planned');
  assert.equal(BigInt(done.cost), 3n);

  // logTask only emits on the worker's socket (no answer), so the REST completion may overtake the
  // log line: read until it is stored, for a few seconds at most.
  let view;
  for (let attempt = 0; attempt < 50; attempt++) {
    view = expectStatus(await user.query.getTaskWithSteps(did, taskId), 200, 'getTaskWithSteps');
    if (view.logs.length > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.deepEqual(view.steps.map((s) => [s.name, s.step_status]), [[FIRST_STEP_NAME, S.Completed], ['answer', S.Completed]]);
  assert.deepEqual(view.logs.map((l) => l.message), ['answering']);
  assert.deepEqual(errors, []);
});
