#!/usr/bin/env node
// REST benchmark of AI Hub's two write paths of the Query Protocol. Node 20+, no npm dependencies.
//
//   node bench/rest-bench.mjs --url http://127.0.0.1:3001 --admin-token <HUB_ADMIN_TOKEN> \
//        [--concurrency 16] [--requests 5000] [--warmup 500] [--client http|fetch] [--timeout-ms 30000]
//
// Every flag can also come from the environment: HUB_URL, HUB_ADMIN_TOKEN, BENCH_CONCURRENCY,
// BENCH_REQUESTS, BENCH_WARMUP, BENCH_CLIENT, BENCH_TIMEOUT_MS (a flag wins over the environment).
//
// Setup (through the hub's own API): a builder account and a subscriber account (admin API), an
// agent registered by the builder, and an access token for that agent fetched by the subscriber.
//
// Phases, each run by `concurrency` workers in a closed loop (a worker sends its next request as soon
// as its previous one has answered), first `warmup` requests that are not counted, then `requests`
// measured ones:
//   create-task  POST /api/v1/agents/{did}/tasks                         subscriber's access token, expects 201
//   update-step  PUT  /api/v1/agents/{did}/tasks/{task}/step/{step}      builder's API key, expects 201
//                (Completed + is_last: step update, task completion and event rows in one transaction)
// update-step works through the tasks created by create-task (warm-up tasks feed its warm-up), so it
// completes exactly the tasks the first phase created.
//
// Latency is per request, from just before the request is sent until its whole body has been read,
// measured with process.hrtime.bigint(). Throughput is measured requests / wall time of the measured part.
//
// Output: a human-readable table, then one line `BENCH_JSON {...}` for tooling.
// Exit status: 0 all good; 1 any request answered something other than the expected status (or
// failed / timed out); 2 bad arguments or setup failure.
//
// Client: `http` (default) is node:http with a keep-alive Agent holding `concurrency` sockets;
// `fetch` is Node's global fetch (undici). On a 2-core machine that also runs the hub and PostgreSQL
// the client's own CPU use matters; see docs/benchmarks.md for the comparison that picked the default.

import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { expectJson, httpClient } from './lib/http.mjs';
import { percentile } from './lib/percentile.mjs';
import { hubTarget } from './lib/target.mjs';

const USAGE = `usage: node bench/rest-bench.mjs --url URL --admin-token TOKEN [--concurrency N] [--requests N]
       [--warmup N] [--client http|fetch] [--timeout-ms MS]
  env: HUB_URL HUB_ADMIN_TOKEN BENCH_CONCURRENCY BENCH_REQUESTS BENCH_WARMUP BENCH_CLIENT BENCH_TIMEOUT_MS`;

const MAX_ERROR_SAMPLES = 10;

function fail(message, code = 2) {
  console.error(`rest-bench: ${message}`);
  process.exit(code);
}

function options() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        url: { type: 'string' },
        'admin-token': { type: 'string' },
        concurrency: { type: 'string' },
        requests: { type: 'string' },
        warmup: { type: 'string' },
        client: { type: 'string' },
        'timeout-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (e) {
    fail(`${e.message}\n${USAGE}`);
  }
  if (parsed.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const env = process.env;
  const int = (name, flag, envName, fallback, min) => {
    const raw = flag ?? env[envName];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) fail(`--${name} must be an integer >= ${min}, got '${raw}'`);
    return value;
  };
  const { url, adminToken, base } = hubTarget(parsed, env, USAGE, fail, { localOnly: false });
  const client = parsed.client ?? env.BENCH_CLIENT ?? 'http';
  if (client !== 'http' && client !== 'fetch') fail(`--client must be http or fetch, got '${client}'`);
  return {
    url,
    base,
    adminToken,
    concurrency: int('concurrency', parsed.concurrency, 'BENCH_CONCURRENCY', 16, 1),
    requests: int('requests', parsed.requests, 'BENCH_REQUESTS', 5000, 1),
    warmup: int('warmup', parsed.warmup, 'BENCH_WARMUP', 500, 0),
    timeoutMs: int('timeout-ms', parsed['timeout-ms'], 'BENCH_TIMEOUT_MS', 30000, 100),
    client,
  };
}

// ---------------------------------------------------------------------------------------------------
// Two interchangeable clients. Each returns {status, body} with the whole body read, or throws.
// ---------------------------------------------------------------------------------------------------

function fetchClient(base, _sockets, timeoutMs) {
  const origin = base.origin;
  const request = async (method, path, token, body) => {
    const headers = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(origin + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: res.status, body: await res.text() };
  };
  return { request, close: () => {} };
}

// ---------------------------------------------------------------------------------------------------
// Setup
// ---------------------------------------------------------------------------------------------------

async function setup(client, adminToken) {
  const stamp = Date.now().toString(36);
  const builder = await expectJson(client, 'builder account', 'POST', '/api/v1/admin/accounts', adminToken,
    { name: `bench-builder-${stamp}` }, 201);
  const subscriber = await expectJson(client, 'subscriber account', 'POST', '/api/v1/admin/accounts', adminToken,
    { name: `bench-subscriber-${stamp}` }, 201);
  const agent = await expectJson(client, 'agent', 'POST', '/api/v1/agents', builder.api_key,
    { name: `bench-agent-${stamp}` }, 201);
  if (!agent.did) fail(`setup: agent registration answered no did: ${JSON.stringify(agent)}`);
  const token = await expectJson(client, 'access token', 'GET',
    `/api/v1/payments/service/token/${encodeURIComponent(agent.did)}`, subscriber.api_key, undefined, 200);
  const accessToken = token?.token?.accessToken;
  if (!accessToken) fail(`setup: service token answered no token.accessToken: ${JSON.stringify(token)}`);
  return { builderKey: builder.api_key, subscriberKey: subscriber.api_key, did: agent.did, accessToken };
}

// ---------------------------------------------------------------------------------------------------
// Closed-loop phase runner
// ---------------------------------------------------------------------------------------------------

/**
 * Runs `count` operations with `concurrency` workers. `op(i)` sends request i and returns
 * {ok, status, body, method, path}. Returns latencies (ms, of every request), wall time, errors.
 */
async function closedLoop(count, concurrency, op) {
  const latencies = new Float64Array(count);
  const errors = { count: 0, byStatus: {}, samples: [] };
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      const t0 = process.hrtime.bigint();
      let outcome;
      try {
        outcome = await op(i);
      } catch (e) {
        outcome = { ok: false, status: 'exception', body: String(e?.cause?.message ?? e?.message ?? e),
          method: e?.method, path: e?.path };
      }
      latencies[i] = Number(process.hrtime.bigint() - t0) / 1e6;
      if (!outcome.ok) {
        errors.count++;
        const key = String(outcome.status);
        errors.byStatus[key] = (errors.byStatus[key] ?? 0) + 1;
        if (errors.samples.length < MAX_ERROR_SAMPLES) {
          errors.samples.push({ index: i, request: `${outcome.method} ${outcome.path}`, status: outcome.status,
            body: String(outcome.body ?? '').slice(0, 600), at: new Date().toISOString() });
        }
      }
    }
  };
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  return { latencies, wallMs, errors };
}

function summarize(name, requests, run) {
  const sorted = Float64Array.from(run.latencies).sort();
  const round = (x) => Math.round(x * 100) / 100;
  let sum = 0;
  for (const x of sorted) sum += x;
  return {
    phase: name,
    requests,
    errors: run.errors.count,
    errors_by_status: run.errors.byStatus,
    wall_s: round(run.wallMs / 1000),
    throughput_rps: round(requests / (run.wallMs / 1000)),
    latency_ms: {
      mean: round(sum / sorted.length),
      p50: round(percentile(sorted, 50)),
      p90: round(percentile(sorted, 90)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted[sorted.length - 1]),
    },
    error_samples: run.errors.samples,
  };
}

/** A phase: warm-up (discarded) then measured, over `opFor(offset)` operations. */
async function phase(name, opts, warmup, requests, opFor) {
  const w = warmup > 0 ? await closedLoop(warmup, opts.concurrency, opFor(0)) : null;
  const m = await closedLoop(requests, opts.concurrency, opFor(warmup));
  const summary = summarize(name, requests, m);
  summary.warmup = warmup;
  summary.warmup_errors = w ? w.errors.count : 0;
  summary.warmup_error_samples = w ? w.errors.samples : [];
  return summary;
}

// ---------------------------------------------------------------------------------------------------

function table(results) {
  const head = ['phase', 'requests', 'errors', 'wall s', 'req/s', 'mean ms', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'];
  const rows = results.map((r) => [r.phase, r.requests, r.errors, r.wall_s.toFixed(2), r.throughput_rps.toFixed(1),
    r.latency_ms.mean.toFixed(2), r.latency_ms.p50.toFixed(2), r.latency_ms.p90.toFixed(2),
    r.latency_ms.p99.toFixed(2), r.latency_ms.max.toFixed(2)].map(String));
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

async function main() {
  const opts = options();
  const makeClient = opts.client === 'http' ? httpClient : fetchClient;
  const client = makeClient(opts.base, opts.concurrency, opts.timeoutMs);
  const ctx = await setup(client, opts.adminToken);
  const didPath = `/api/v1/agents/${encodeURIComponent(ctx.did)}`;

  console.log(`rest-bench: ${opts.url} client=${opts.client} concurrency=${opts.concurrency} `
    + `requests=${opts.requests}/phase warmup=${opts.warmup}/phase node=${process.version}`);
  console.log(`rest-bench: agent ${ctx.did}`);

  // --- create-task -------------------------------------------------------------------------------
  const total = opts.warmup + opts.requests;
  const tasks = new Array(total); // index -> {taskId, stepId}; holes where creation failed
  const createPath = `${didPath}/tasks`;
  const createOp = (offset) => async (i) => {
    const index = offset + i;
    const res = await client.request('POST', createPath, ctx.accessToken,
      { query: `bench query ${index}`, name: 'bench' }).catch((e) => {
      e.method = 'POST'; e.path = createPath; throw e;
    });
    if (res.status !== 201) return { ok: false, status: res.status, body: res.body, method: 'POST', path: createPath };
    let data;
    try {
      data = JSON.parse(res.body);
    } catch {
      return { ok: false, status: `${res.status} non-JSON`, body: res.body, method: 'POST', path: createPath };
    }
    const taskId = data?.task?.task_id;
    const stepId = data?.steps?.[0]?.step_id;
    if (!taskId || !stepId) {
      return { ok: false, status: `${res.status} without task_id/steps[0].step_id`, body: res.body, method: 'POST', path: createPath };
    }
    tasks[index] = { taskId, stepId };
    return { ok: true };
  };
  const created = await phase('create-task', opts, opts.warmup, opts.requests, createOp);

  // --- update-step -------------------------------------------------------------------------------
  const stepBody = { step_status: 'Completed', output: 'done', cost: 1, is_last: true };
  const updateOp = (offset) => async (i) => {
    const t = tasks[offset + i];
    if (!t) {
      return { ok: false, status: 'skipped: its create-task request failed', body: '', method: 'PUT', path: `${didPath}/tasks/?/step/?` };
    }
    const path = `${didPath}/tasks/${encodeURIComponent(t.taskId)}/step/${encodeURIComponent(t.stepId)}`;
    const res = await client.request('PUT', path, ctx.builderKey, stepBody).catch((e) => {
      e.method = 'PUT'; e.path = path; throw e;
    });
    if (res.status !== 201) return { ok: false, status: res.status, body: res.body, method: 'PUT', path };
    return { ok: true };
  };
  const updated = await phase('update-step', opts, opts.warmup, opts.requests, updateOp);

  // --- sanity check: the last measured task is Completed ------------------------------------------
  let check = 'skipped';
  const last = tasks[total - 1];
  if (last) {
    const res = await client.request('GET', `${didPath}/tasks/${encodeURIComponent(last.taskId)}`, ctx.accessToken)
      .catch((e) => ({ status: 'exception', body: e.message }));
    let status;
    try {
      status = JSON.parse(res.body)?.task?.task_status;
    } catch {
      status = undefined;
    }
    check = res.status === 200 && status === 'Completed' ? 'ok' : `FAILED (${res.status}, task_status=${status})`;
  }
  client.close();

  const results = [created, updated];
  console.log('');
  console.log(table(results));
  console.log('');
  console.log(`rest-bench: last task read back after update-step: ${check}`);

  const totalErrors = results.reduce((n, r) => n + r.errors + r.warmup_errors, 0);
  for (const r of results) {
    if (r.errors + r.warmup_errors === 0) continue;
    console.error(`\n!!! ${r.phase}: ${r.errors} measured + ${r.warmup_errors} warm-up requests FAILED `
      + `(by status: ${JSON.stringify(r.errors_by_status)})`);
    for (const [label, samples] of [['warm-up', r.warmup_error_samples], ['measured', r.error_samples]]) {
      for (const s of samples) {
        console.error(`!!!   ${label} #${s.index} ${s.at} ${s.request} -> ${s.status}: ${s.body}`);
      }
    }
  }
  if (totalErrors > 0 || check !== 'ok') {
    console.error(`\n!!! THIS BENCHMARK RUN HAD ERRORS (${totalErrors} failed requests, read-back check: ${check}); `
      + 'its figures are not clean.\n');
  }

  const json = {
    bench: 'aihub-rest',
    at: new Date().toISOString(),
    url: opts.url,
    client: opts.client,
    node: process.version,
    concurrency: opts.concurrency,
    requests: opts.requests,
    warmup: opts.warmup,
    ok: totalErrors === 0 && check === 'ok',
    read_back_check: check,
    phases: results,
    bench_process_cpu_s: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1e4) / 100,
    bench_process_uptime_s: Math.round(performance.now() / 10) / 100,
  };
  console.log(`BENCH_JSON ${JSON.stringify(json)}`);
  process.exitCode = json.ok ? 0 : 1;
}

main().catch((e) => fail(`unexpected failure: ${e?.stack ?? e}`));
