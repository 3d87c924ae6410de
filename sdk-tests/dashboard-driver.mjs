// Drives one task through the real TypeScript SDK for the dashboard's browser test (DashboardSdkIT): a user
// submits it with createTask, the builder's worker (subscribe, createSteps, logTask, updateStep) runs it.
// Between two actions it waits for a line on standard input, so that the test can look at the page after
// each one; it reports each action as one JSON line on standard output.
//
//   HUB_URL=... HUB_ADMIN_TOKEN=... BUILDER_KEY=... USER_KEY=... AGENT_DID=... node dashboard-driver.mjs
import readline from 'node:readline';
import { closeSdk, expectStatus, loadSdk, newStepId, sdkFor } from './lib/hub.mjs';

const { AgentExecutionStatus: S, FIRST_STEP_NAME } = await loadSdk();
const did = process.env.AGENT_DID;
const builder = await sdkFor(process.env.BUILDER_KEY);
const user = await sdkFor(process.env.USER_KEY);

const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const next = async () => { if ((await lines.next()).done) process.exit(3); };
const report = (at, fields = {}) => console.log(JSON.stringify({ at, ...fields }));

const waiting = [];
const seen = [];
const step = (predicate) => new Promise((resolve) => {
  const found = seen.find(predicate);
  if (found) resolve(found);
  else waiting.push({ predicate, resolve });
});
await builder.query.subscribe((data) => {
  const received = JSON.parse(data);
  seen.push(received);
  for (const waiter of waiting.splice(0)) {
    if (waiter.predicate(received)) waiter.resolve(received);
    else waiting.push(waiter);
  }
});

const complete = async (s, fields) => expectStatus(await builder.query.updateStep(did,
  { step_id: s.step_id, task_id: s.task_id, did, step_status: S.Completed, ...fields }), 201, `updateStep ${s.name}`);

try {
  const created = expectStatus(await user.query.createTask(did, { query: 'summarise the news', name: 'sdk task' }), 201, 'createTask');
  const taskId = created.task.task_id;
  const init = await step((s) => s.task_id === taskId && s.name === FIRST_STEP_NAME);
  report('created', { task_id: taskId, init: init.step_id });

  await next();
  const fetchId = newStepId();
  const answerId = newStepId();
  expectStatus(await builder.query.createSteps(did, taskId, { steps: [
    { step_id: fetchId, task_id: taskId, name: 'fetch', predecessor: init.step_id },
    { step_id: answerId, task_id: taskId, name: 'answer', predecessor: fetchId, is_last: true },
  ] }), 201, 'createSteps');
  report('steps', { fetch: fetchId, answer: answerId });

  await next();
  await complete(init, { output: 'plan', cost: 1 });
  const fetch = await step((s) => s.step_id === fetchId);
  report('init-completed');

  await next();
  await builder.query.logTask({ task_id: taskId, step_id: fetchId, message: 'fetching sources', level: 'info' });
  report('logged');

  await next();
  await complete(fetch, { output: '3 articles', cost: 2 });
  const answer = await step((s) => s.step_id === answerId);
  report('fetch-completed');

  await next();
  await builder.query.logTask({ task_id: taskId, step_id: answerId, message: 'writing the answer', level: 'warning' });
  await complete(answer, { output: 'the summary', cost: 3 });
  report('done');
} finally {
  closeSdk(builder, user);
}
process.exit(0);
