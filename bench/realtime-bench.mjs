#!/usr/bin/env node
// Realtime benchmark of AI Hub: full task lifecycles through REST and Socket.IO. Node 20+, needs
// `npm ci` in bench/ (socket.io-client 4.7.5).
//
//   node bench/realtime-bench.mjs --url http://127.0.0.1:3001 --admin-token <HUB_ADMIN_TOKEN> \
//        (--rate R --duration S | --closed C [--duration S] [--lifecycles N])
//        [--workers 4] [--submitters 4] [--agents 8] [--timeout-ms 10000] [--label NAME]
//        [--hub-pid PID] [--pg-db DATABASE] [--deflate on|off] [--samples FILE] [--lead-in N]
//
// Every flag can also come from the environment: HUB_URL, HUB_ADMIN_TOKEN, BENCH_RATE, BENCH_DURATION,
// BENCH_CLOSED, BENCH_LIFECYCLES, BENCH_WORKERS, BENCH_SUBMITTERS, BENCH_AGENTS, BENCH_TIMEOUT_MS,
// BENCH_LABEL, BENCH_HUB_PID, BENCH_PG_DB (a flag wins over the environment).
//
// Setup (through the hub's own API): a builder account owning `agents` agents, a subscriber account
// with one access token per agent. `workers` worker sockets (builder's API key) each join the rooms of
// the agents i with i % workers == worker (every agent's room holds exactly one worker socket, so every
// step must reach exactly one socket once); `submitters` submitter sockets (subscriber's API key).
//
// One lifecycle (lifecycle i goes to agent i % agents and submitter i % submitters):
//   1. POST /api/v1/agents/{did}/tasks with the subscriber's access token           expects 201
//   2. the submitter emits `_join-tasks` {"tasks":[task_id],"history":true} at once  expects `_join-tasks_`
//   3. the agent's worker socket receives `step-updated` (step_id, task_id, did) and
//      PUTs /api/v1/agents/{did}/tasks/{task}/step/{step} Completed, is_last, with the builder's key
//                                                                                    expects 201
//   4. the submitter receives `task-updated` with task_status Completed: live, or in the snapshot the
//      join replays when the completion beat the join (counted once; a second Completed is not an error)
//
// Modes:
//   --rate R --duration S   open loop: lifecycle i is scheduled at start + i/R s, for S seconds
//                           (R*S lifecycles), whatever the hub's answers; latency is reported both from
//                           the scheduled time (no coordinated omission) and from the actual send.
//   --closed C              closed loop: C lifecycles in flight, each loop starts its next lifecycle when
//                           its previous one completed (or failed); runs until --lifecycles (default
//                           100000) have started or --duration (default 20) s have passed.
//
// Times are performance.now() in this process (the hub's clock is never used):
//   scheduled  open loop: the timetable slot; closed loop: = sent
//   sent       just before the create-task request is written
//   created    the create-task 201 body has been read
//   dispatched the worker socket received the step-updated (can be before `created`: the event may beat
//              the HTTP response; such cases are counted and the latency is negative)
//   completed  the submitter received task-updated Completed
// Reported: dispatch = dispatched - created (the issue's metric), also - sent and - scheduled;
// create-task = created - sent; end-to-end = completed - scheduled and - sent.
//
// Errors (any one makes the exit status 1): create-task or update-step status other than 201 (or a
// failed request), a lifecycle without step-updated or task-updated Completed within --timeout-ms of its
// scheduled time, a duplicate step-updated (the same step delivered twice, to any worker), a
// step-updated nobody asked for, a refused join, an `error` event, a socket disconnecting mid-run.
//
// With --hub-pid (and --pg-db, the hub's database name) the CPU time of the hub JVM (and of its busiest
// threads), of PostgreSQL (the hub database's backends, and all postgres processes), of this process and
// of the whole machine is read from /proc over the measured run.
//
// --deflate off makes the sockets not offer the WebSocket permessage-deflate extension, which
// socket.io-client (and so the TypeScript SDK) offers by default: a diagnostic, not what clients do.
//
// This process's own garbage-collection pauses are observed (perf_hooks 'gc' entries): a lifecycle in
// flight during one is timed late by up to the pause, though the hub had already answered. The results
// say how many pauses fell in the measured run and how many lifecycles they overlapped, and give the
// dispatch latency from the create sent also without those lifecycles (`clear_of_generator_gc`).
//
// The same goes for this process's event loop running late (busy with a burst of answers and events, or
// waiting for a core): a timer set for 1 ms, tick after tick, says how late; a lifecycle whose
// step-updated was timed between a tick and the next, when that next one came more than 2 ms late, may
// have been timed late by this process. The results say how late the ticks came and give the dispatch
// latency from the create sent also without those lifecycles (`clear_of_generator_stalls`).
//
// --lead-in N (closed loop only) runs N lifecycles before the measured ones, in the same loops, and
// counts neither their latency nor their CPU: the measured run starts with the loops spread out and
// this process's own code compiled, not with every loop sending its first request at once.
//
// --samples FILE (or BENCH_SAMPLES) writes one CSV line per completed lifecycle: when it was sent, in ms
// from the run's start, and its create-task, dispatch (from the create sent) and end-to-end times.
//
// Output: a human-readable table, then one line `BENCH_JSON {...}` for tooling.
// Exit status: 0 all good; 1 errors; 2 bad arguments or setup failure.

import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';
import { expectJson, httpClient } from './lib/http.mjs';
import { percentile } from './lib/percentile.mjs';
import { hubTarget } from './lib/target.mjs';

const USAGE = `usage: node bench/realtime-bench.mjs --url URL --admin-token TOKEN
       (--rate R --duration S | --closed C [--duration S] [--lifecycles N])
       [--workers M] [--submitters S] [--agents A] [--timeout-ms MS] [--label NAME]
       [--hub-pid PID] [--pg-db DATABASE] [--deflate on|off] [--samples FILE] [--lead-in N]`;

const MAX_ERROR_SAMPLES = 12;
/** A tick of the 1 ms timer this late, in ms, marks a stretch in which this process timed lifecycles late. */
const GENERATOR_STALL_MS = 2;
const CLK_TCK = 100; // USER_HZ on Linux/x86-64

function fail(message, code = 2) {
  console.error(`realtime-bench: ${message}`);
  process.exit(code);
}

function options() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        url: { type: 'string' },
        'admin-token': { type: 'string' },
        rate: { type: 'string' },
        duration: { type: 'string' },
        closed: { type: 'string' },
        lifecycles: { type: 'string' },
        workers: { type: 'string' },
        submitters: { type: 'string' },
        agents: { type: 'string' },
        'timeout-ms': { type: 'string' },
        label: { type: 'string' },
        'hub-pid': { type: 'string' },
        'pg-db': { type: 'string' },
        deflate: { type: 'string' },
        samples: { type: 'string' },
        'lead-in': { type: 'string' },
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
  const num = (name, flag, envName, fallback, min, max, integer = true) => {
    const raw = flag ?? env[envName];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
      fail(`--${name} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got '${raw}'`);
    }
    return value;
  };
  const { url, adminToken, base } = hubTarget(parsed, env, USAGE, fail);
  const rate = num('rate', parsed.rate, 'BENCH_RATE', undefined, 0.1, 100000, false);
  const closed = num('closed', parsed.closed, 'BENCH_CLOSED', undefined, 1, 10000);
  if ((rate === undefined) === (closed === undefined)) fail(`give exactly one of --rate and --closed\n${USAGE}`);
  const duration = num('duration', parsed.duration, 'BENCH_DURATION', rate !== undefined ? 30 : 20, 0.1, 3600, false);
  const lifecycles = rate !== undefined
    ? Math.max(1, Math.round(rate * duration))
    : num('lifecycles', parsed.lifecycles, 'BENCH_LIFECYCLES', 100000, 1, 5000000);
  if (lifecycles > 5000000) fail('more than 5,000,000 lifecycles in one run');
  const workers = num('workers', parsed.workers, 'BENCH_WORKERS', 4, 1, 1000);
  const agents = num('agents', parsed.agents, 'BENCH_AGENTS', Math.max(8, workers), 1, 1000);
  if (agents < workers) fail(`--agents (${agents}) must be at least --workers (${workers}): every worker joins one agent or more`);
  const deflate = parsed.deflate ?? env.BENCH_DEFLATE ?? 'on';
  if (deflate !== 'on' && deflate !== 'off') fail(`--deflate must be on or off, got '${deflate}'`);
  const leadIn = num('lead-in', parsed['lead-in'], 'BENCH_LEAD_IN', 0, 0, 5000000);
  if (leadIn > 0 && rate !== undefined) fail('--lead-in is for a closed loop (--closed)');
  const hubPid = num('hub-pid', parsed['hub-pid'], 'BENCH_HUB_PID', undefined, 1, 1 << 30);
  return {
    url,
    base,
    adminToken,
    mode: rate !== undefined ? 'rate' : 'closed',
    rate,
    closed,
    duration,
    lifecycles,
    workers,
    submitters: num('submitters', parsed.submitters, 'BENCH_SUBMITTERS', 4, 1, 1000),
    agents,
    timeoutMs: num('timeout-ms', parsed['timeout-ms'], 'BENCH_TIMEOUT_MS', 10000, 100, 600000),
    label: parsed.label ?? env.BENCH_LABEL ?? '',
    hubPid,
    deflate,
    pgDb: parsed['pg-db'] ?? env.BENCH_PG_DB ?? '',
    samples: parsed.samples ?? env.BENCH_SAMPLES ?? '',
    leadIn,
  };
}

// ---------------------------------------------------------------------------------------------------
// HTTP: node:http with a keep-alive Agent (as bench/rest-bench.mjs; see docs/benchmarks.md for why)
// ---------------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------------
// Sockets
// ---------------------------------------------------------------------------------------------------

function parsePayload(arg) {
  if (typeof arg === 'string') {
    try {
      return JSON.parse(arg);
    } catch {
      return { unparsable: arg };
    }
  }
  return arg;
}

/** Opens an authenticated socket and resolves once the hub's `_connected` arrived. */
function openSocket(url, apiKey, timeoutMs, deflate) {
  return new Promise((resolve, reject) => {
    const socket = io(url, {
      transports: ['websocket'],
      auth: { token: `Bearer ${apiKey}` },
      reconnection: false,
      forceNew: true,
      timeout: timeoutMs,
      ...(deflate === 'off' ? { perMessageDeflate: false } : {}),
    });
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`no _connected within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('_connected', (arg) => {
      clearTimeout(timer);
      resolve({ socket, connected: parsePayload(arg) });
    });
    socket.once('connect_error', (e) => {
      clearTimeout(timer);
      socket.close();
      reject(new Error(`connect_error: ${e.message} ${JSON.stringify(e.data ?? '')}`));
    });
  });
}

/** Emits `event` with a JSON string and resolves with the first `answer` event's payload. */
function ask(socket, event, payload, answer, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(answer, onAnswer);
      socket.off('error', onError);
      reject(new Error(`no ${answer} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onAnswer = (arg) => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(parsePayload(arg));
    };
    const onError = (arg) => {
      clearTimeout(timer);
      socket.off(answer, onAnswer);
      reject(new Error(`error event: ${typeof arg === 'string' ? arg : JSON.stringify(arg)}`));
    };
    socket.once(answer, onAnswer);
    socket.once('error', onError);
    socket.emit(event, JSON.stringify(payload));
  });
}

// ---------------------------------------------------------------------------------------------------
// CPU from /proc (Linux); everything optional, failures only leave figures out
// ---------------------------------------------------------------------------------------------------

function readStat(path) {
  // returns {comm, ticks} from /proc/.../stat; comm may contain spaces and parentheses
  const text = fs.readFileSync(path, 'utf8');
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const comm = text.slice(open + 1, close);
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state); utime is field 14, stime field 15
  return { comm, ticks: Number(rest[11]) + Number(rest[12]), sys: Number(rest[12]) };
}

function readSchedstat(path) {
  // /proc/.../schedstat: time on a core (ns), time runnable but waiting for one (ns), times scheduled
  const [run, wait, slices] = fs.readFileSync(path, 'utf8').trim().split(/\s+/).map(Number);
  return { run, wait, slices };
}

function schedstatOrNull(path) {
  try {
    return readSchedstat(path);
  } catch {
    return null; // no schedstat (kernel without it, or the thread ended)
  }
}

function cpuSnapshot(hubPid, pgDb) {
  const snap = { at: performance.now(), self: process.cpuUsage(), machine: null, hub: null, hubThreads: null, pg: new Map() };
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = line[3] + (line[4] || 0);
    const total = line.slice(0, 8).reduce((a, b) => a + b, 0);
    snap.machine = { busy: total - idle, total };
  } catch {
    // not Linux
  }
  if (hubPid) {
    try {
      const hub = readStat(`/proc/${hubPid}/stat`);
      snap.hub = hub.ticks;
      snap.hubSys = hub.sys;
      snap.hubThreads = new Map();
      for (const tid of fs.readdirSync(`/proc/${hubPid}/task`)) {
        try {
          const { comm, ticks } = readStat(`/proc/${hubPid}/task/${tid}/stat`);
          snap.hubThreads.set(tid, { comm, ticks, sched: schedstatOrNull(`/proc/${hubPid}/task/${tid}/schedstat`) });
        } catch {
          // thread ended
        }
      }
    } catch {
      snap.hub = null;
    }
  }
  try {
    for (const pid of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const { comm, ticks, sys } = readStat(`/proc/${pid}/stat`);
        if (comm !== 'postgres') continue;
        // a backend's title: "postgres: [cluster: ]<user> <database> <host>(<port>) <state>"
        const title = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
        const hubDb = Boolean(pgDb) && title.split(/\s+/).includes(pgDb);
        snap.pg.set(pid, { ticks, sys, hubDb, sched: hubDb ? schedstatOrNull(`/proc/${pid}/schedstat`) : null });
      } catch {
        // process ended
      }
    }
  } catch {
    // no /proc
  }
  return snap;
}

function cpuDelta(a, b, units) {
  const ms = (ticks) => (ticks * 1000) / CLK_TCK;
  const wallS = (b.at - a.at) / 1000;
  const self = (b.self.user - a.self.user + b.self.system - a.self.system) / 1000;
  const out = { wall_s: round(wallS), units, generator_ms: round(self) };
  if (a.machine && b.machine && b.machine.total > a.machine.total) {
    out.machine_busy_pct = round((100 * (b.machine.busy - a.machine.busy)) / (b.machine.total - a.machine.total));
  }
  if (a.hub !== null && b.hub !== null) {
    out.hub_ms = ms(b.hub - a.hub);
    out.hub_kernel_ms = ms(b.hubSys - a.hubSys);
    const groups = new Map();
    const waits = new Map(); // per thread name: time runnable but waiting for a core, and times scheduled
    for (const [tid, t] of b.hubThreads) {
      const before = a.hubThreads.get(tid);
      const same = before && before.comm === t.comm;
      const name = t.comm.replace(/(?<=[-#])\d+|\d+$/g, 'N');
      if (t.sched) {
        const w = waits.get(name) ?? { wait: 0, slices: 0 };
        w.wait += t.sched.wait - (same && before.sched ? before.sched.wait : 0);
        w.slices += t.sched.slices - (same && before.sched ? before.sched.slices : 0);
        waits.set(name, w);
      }
      const d = t.ticks - (same ? before.ticks : 0);
      if (d <= 0) continue;
      groups.set(name, (groups.get(name) ?? 0) + d);
    }
    out.hub_threads_ms = Object.fromEntries([...groups.entries()].sort((x, y) => y[1] - x[1]).slice(0, 10)
      .map(([k, v]) => [k, ms(v)]));
    if (waits.size > 0 && units > 0) {
      out.run_queue_per_lifecycle = {
        hub_threads: Object.fromEntries([...waits.entries()].filter(([, w]) => w.slices > 0)
          .sort((x, y) => y[1].wait - x[1].wait).slice(0, 10)
          .map(([k, w]) => [k, { wait_us: round(w.wait / units / 1000), scheduled: round(w.slices / units) }])),
      };
    }
  }
  // per process: one that started during the run counts whole, one that ended is missed
  let pgAll = 0;
  let pgHub = 0;
  let pgHubSys = 0;
  let hubBackends = 0;
  const pgWait = { wait: 0, slices: 0 };
  for (const [pid, p] of b.pg) {
    if (p.sched) {
      const before = a.pg.get(pid)?.sched;
      pgWait.wait += p.sched.wait - (before?.wait ?? 0);
      pgWait.slices += p.sched.slices - (before?.slices ?? 0);
    }
    const d = p.ticks - (a.pg.get(pid)?.ticks ?? 0);
    pgAll += d;
    if (p.hubDb) {
      pgHub += d;
      pgHubSys += p.sys - (a.pg.get(pid)?.sys ?? 0);
      hubBackends++;
    }
  }
  out.postgres_all_ms = ms(pgAll);
  if (hubBackends > 0) {
    out.postgres_hub_db_ms = ms(pgHub);
    out.postgres_hub_db_kernel_ms = ms(pgHubSys);
    out.postgres_hub_db_backends = hubBackends;
    if (pgWait.slices > 0 && units > 0) {
      out.run_queue_per_lifecycle = {
        ...(out.run_queue_per_lifecycle ?? {}),
        postgres_hub_db: { wait_us: round(pgWait.wait / units / 1000), scheduled: round(pgWait.slices / units) },
      };
    }
  }
  if (units > 0) {
    const per = (x) => (x === undefined ? undefined : round(x / units, 3));
    out.per_lifecycle_ms = {
      hub: per(out.hub_ms),
      postgres_hub_db: per(out.postgres_hub_db_ms),
      postgres_all: per(out.postgres_all_ms),
      generator: per(out.generator_ms),
    };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------------------------------

function round(x, digits = 2) {
  if (x === undefined || x === null || !Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function stats(values) {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return { n: 0 };
  let sum = 0;
  for (const x of sorted) sum += x;
  return {
    n: sorted.length,
    mean: round(sum / sorted.length),
    min: round(sorted[0]),
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1]),
  };
}

// ---------------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------------

class Errors {
  constructor() {
    this.count = 0;
    this.byKind = {};
    this.samples = [];
  }

  add(kind, detail) {
    this.count++;
    this.byKind[kind] = (this.byKind[kind] ?? 0) + 1;
    if (this.samples.length < MAX_ERROR_SAMPLES) {
      this.samples.push({ kind, at: new Date().toISOString(), detail: String(detail).slice(0, 600) });
    }
  }
}

// This process's own GC pauses, as perf_hooks reports them (start and end on performance.now()'s clock).
const generatorGc = {
  pauses: [],
  observe() {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) this.pauses.push({ start: e.startTime, end: e.startTime + e.duration });
    }).observe({ entryTypes: ['gc'] });
  },
};

// How late this process's event loop ran a timer set for 1 ms, tick after tick: a handler that became
// ready here meanwhile (an answer, an event) may have waited as long before it ran and took its
// timestamp, so a lifecycle timed in a stretch in which the loop ran late may have been timed late by
// this process, not by the hub.
const generatorStalls = {
  lateness: [], // ms, one per tick
  stretches: [], // { start, end } on performance.now()'s clock: from a tick to the next, more than GENERATOR_STALL_MS late
  timer: undefined,
  start() {
    let due = performance.now() + 1;
    const tick = () => {
      const now = performance.now();
      this.lateness.push(now - due);
      if (now - due > GENERATOR_STALL_MS) this.stretches.push({ start: due - 1, end: now }); // since the last tick
      due = now + 1;
      this.timer = setTimeout(tick, 1);
    };
    this.timer = setTimeout(tick, 1);
  },
  restart() {
    this.lateness = [];
    this.stretches = [];
  },
  stop() {
    clearTimeout(this.timer);
  },
  /** Whether a moment fell in a stretch in which the loop ran late. */
  during(t) {
    let lo = 0;
    let hi = this.stretches.length - 1;
    while (lo <= hi) { // stretches are in time order and do not overlap
      const mid = (lo + hi) >> 1;
      const s = this.stretches[mid];
      if (t < s.start) hi = mid - 1;
      else if (t > s.end) lo = mid + 1;
      else return true;
    }
    return false;
  },
};

async function main() {
  const opts = options();
  generatorGc.observe();
  const errors = new Errors();
  const setupClient = httpClient(opts.base, 4, 30000);
  const stamp = Date.now().toString(36);

  // --- setup ---------------------------------------------------------------------------------------
  const builder = await expectJson(setupClient, 'builder account', 'POST', '/api/v1/admin/accounts', opts.adminToken,
    { name: `rt-bench-builder-${stamp}` }, 201);
  const subscriber = await expectJson(setupClient, 'subscriber account', 'POST', '/api/v1/admin/accounts',
    opts.adminToken, { name: `rt-bench-subscriber-${stamp}` }, 201);
  const agents = [];
  for (let a = 0; a < opts.agents; a++) {
    const agent = await expectJson(setupClient, 'agent', 'POST', '/api/v1/agents', builder.api_key,
      { name: `rt-bench-agent-${stamp}-${a}` }, 201);
    if (!agent.did) fail(`setup: agent registration answered no did: ${JSON.stringify(agent)}`);
    const token = await expectJson(setupClient, 'access token', 'GET',
      `/api/v1/payments/service/token/${encodeURIComponent(agent.did)}`, subscriber.api_key, undefined, 200);
    const accessToken = token?.token?.accessToken;
    if (!accessToken) fail(`setup: service token answered no token.accessToken: ${JSON.stringify(token)}`);
    agents.push({ index: a, did: agent.did, accessToken, createPath: `/api/v1/agents/${encodeURIComponent(agent.did)}/tasks` });
  }
  setupClient.close();
  const agentByDid = new Map(agents.map((a) => [a.did, a]));

  // Separate keep-alive pools for the submitters' create-task and the workers' update-step requests,
  // as separate processes would have. Open loop: enough sockets never to queue in the client.
  const poolSize = opts.mode === 'closed' ? opts.closed : Math.max(64, Math.ceil(opts.rate / 4));
  const createClient = httpClient(opts.base, poolSize, opts.timeoutMs);
  const updateClient = httpClient(opts.base, poolSize, opts.timeoutMs);

  // --- state shared by the sockets and the lifecycles ---------------------------------------------------
  const lifecycles = []; // index -> lifecycle
  const byTask = new Map(); // task_id -> lifecycle (set when the 201 is read)
  const early = new Map(); // task_id -> {at, worker, stepId}: step-updated that beat the create-task 201
  const stepDeliveries = new Map(); // step_id -> deliveries so far
  const outstanding = new Set(); // lifecycles not finished yet
  let running = false; // sockets dropping while true are errors
  let completedSeenAgain = 0;
  let putCount = 0;

  const finish = (lc, ok) => {
    if (lc.finished) return;
    lc.finished = true;
    lc.ok = ok;
    outstanding.delete(lc);
    if (lc.resolve) lc.resolve();
  };
  const lcFail = (lc, kind, detail) => {
    errors.add(kind, `lifecycle ${lc.i} task ${lc.taskId ?? '?'}: ${detail}`);
    lc.failed = true;
    finish(lc, false);
  };
  const maybeDone = (lc) => {
    if (lc.completed !== undefined && lc.dispatched !== undefined && lc.putOk) finish(lc, !lc.failed);
  };

  // --- worker sockets ------------------------------------------------------------------------------
  const stepBody = { step_status: 'Completed', output: 'done', cost: 1, is_last: true };
  const completeStep = (lcOrNull, did, taskId, stepId) => {
    const path = `/api/v1/agents/${encodeURIComponent(did)}/tasks/${encodeURIComponent(taskId)}/step/${encodeURIComponent(stepId)}`;
    putCount++;
    updateClient.request('PUT', path, builder.api_key, stepBody).then(
      (res) => {
        const lc = lcOrNull ?? byTask.get(taskId);
        if (res.status !== 201) {
          if (lc) lcFail(lc, 'update-step status', `PUT ${path} -> ${res.status}: ${res.body.slice(0, 300)}`);
          else errors.add('update-step status', `PUT ${path} -> ${res.status}: ${res.body.slice(0, 300)}`);
          return;
        }
        if (lc) {
          lc.putOk = true;
          lc.updated = performance.now();
          maybeDone(lc);
        } else {
          // the 201 of create-task is still on its way; its handler checks putOk via early map
          const e = early.get(taskId);
          if (e) e.putOk = true;
        }
      },
      (e) => {
        const lc = lcOrNull ?? byTask.get(taskId);
        if (lc) lcFail(lc, 'update-step failed', `PUT ${path}: ${e.message}`);
        else errors.add('update-step failed', `PUT ${path}: ${e.message}`);
      },
    );
  };

  const onStepUpdated = (worker) => (arg) => {
    const at = performance.now();
    const step = parsePayload(arg);
    const stepId = step?.step_id;
    const taskId = step?.task_id;
    const did = step?.did;
    if (!stepId || !taskId || !did) {
      errors.add('bad step-updated', `worker ${worker.index}: ${String(arg).slice(0, 300)}`);
      return;
    }
    const n = (stepDeliveries.get(stepId) ?? 0) + 1;
    stepDeliveries.set(stepId, n);
    if (n > 1) {
      errors.add('duplicate step-updated', `step ${stepId} of task ${taskId} delivered ${n} times (now to worker ${worker.index})`);
      return;
    }
    const agent = agentByDid.get(did);
    if (!agent || !worker.dids.has(did)) {
      errors.add('unexpected step-updated', `worker ${worker.index} got a step of ${did}, not one of its agents`);
      return;
    }
    if (step.step_status !== undefined && step.step_status !== 'Pending') {
      errors.add('unexpected step-updated', `step ${stepId} has step_status ${step.step_status}`);
      return;
    }
    worker.received++;
    const lc = byTask.get(taskId);
    if (lc) {
      if (lc.finished) return; // timed out already
      lc.dispatched = at;
      if (lc.stepId && lc.stepId !== stepId) {
        lcFail(lc, 'unexpected step-updated', `step ${stepId}, the 201 named ${lc.stepId}`);
        return;
      }
    } else {
      early.set(taskId, { at, worker: worker.index, stepId, putOk: false });
    }
    completeStep(lc ?? null, did, taskId, stepId);
  };

  const workers = [];
  for (let w = 0; w < opts.workers; w++) {
    const dids = agents.filter((a) => a.index % opts.workers === w).map((a) => a.did);
    const { socket } = await openSocket(opts.url, builder.api_key, 10000, opts.deflate).catch((e) => fail(`setup: worker socket ${w}: ${e.message}`));
    const worker = { index: w, socket, dids: new Set(dids), received: 0 };
    socket.on('step-updated', onStepUpdated(worker));
    const joined = await ask(socket, '_join-rooms', { joinAccountRoom: false, joinAgentRooms: dids }, '_join-rooms_', 10000)
      .catch((e) => fail(`setup: worker ${w} _join-rooms: ${e.message}`));
    const got = new Set(joined?.agents ?? []);
    if (!dids.every((d) => got.has(d))) fail(`setup: worker ${w} joined ${JSON.stringify(joined)}, asked for ${JSON.stringify(dids)}`);
    workers.push(worker);
  }

  // --- submitter sockets ---------------------------------------------------------------------------
  const onTaskUpdated = (sub) => (arg) => {
    const at = performance.now();
    const task = parsePayload(arg);
    const taskId = task?.task_id;
    const lc = taskId ? byTask.get(taskId) : undefined;
    if (!lc || lc.submitter !== sub.index) {
      errors.add('unexpected task-updated', `submitter ${sub.index} got ${String(arg).slice(0, 300)}`);
      return;
    }
    if (task.task_status !== 'Completed') return; // the snapshot of a task not completed yet
    if (lc.completed !== undefined) {
      completedSeenAgain++; // snapshot and live event both said Completed: counted once
      return;
    }
    if (lc.finished) return;
    lc.completed = at;
    maybeDone(lc);
  };

  const submitters = [];
  for (let s = 0; s < opts.submitters; s++) {
    const { socket } = await openSocket(opts.url, subscriber.api_key, 10000, opts.deflate).catch((e) => fail(`setup: submitter socket ${s}: ${e.message}`));
    const sub = { index: s, socket };
    socket.on('task-updated', onTaskUpdated(sub));
    socket.on('_join-tasks_', (arg) => {
      const joined = parsePayload(arg);
      for (const id of joined?.tasks ?? []) {
        const lc = byTask.get(id);
        if (lc) lc.joined = true;
      }
    });
    submitters.push(sub);
  }
  for (const [role, list] of [['worker', workers], ['submitter', submitters]]) {
    for (const x of list) {
      x.socket.on('error', (arg) => errors.add('error event', `${role} ${x.index}: ${typeof arg === 'string' ? arg : JSON.stringify(arg)}`));
      x.socket.on('disconnect', (reason) => {
        if (running) errors.add('socket disconnected', `${role} ${x.index}: ${reason}`);
      });
    }
  }

  // --- one lifecycle -------------------------------------------------------------------------------
  const startLifecycle = (i, scheduled) => {
    const agent = agents[i % agents.length];
    const sub = submitters[i % submitters.length];
    const lc = { i, scheduled, sent: performance.now(), submitter: sub.index, agent: agent.index, finished: false };
    if (scheduled === undefined) lc.scheduled = lc.sent;
    lifecycles[i] = lc;
    outstanding.add(lc);
    const done = new Promise((resolve) => {
      lc.resolve = resolve;
    });
    createClient.request('POST', agent.createPath, agent.accessToken, { query: `rt bench ${i}`, name: 'rt-bench' }).then(
      (res) => {
        const now = performance.now();
        if (lc.finished) return;
        if (res.status !== 201) {
          lcFail(lc, 'create-task status', `POST ${agent.createPath} -> ${res.status}: ${res.body.slice(0, 300)}`);
          return;
        }
        let data;
        try {
          data = JSON.parse(res.body);
        } catch {
          lcFail(lc, 'create-task status', `201 with non-JSON body: ${res.body.slice(0, 300)}`);
          return;
        }
        const taskId = data?.task?.task_id;
        const stepId = data?.steps?.[0]?.step_id;
        if (!taskId || !stepId) {
          lcFail(lc, 'create-task status', `201 without task.task_id / steps[0].step_id: ${res.body.slice(0, 300)}`);
          return;
        }
        lc.created = now;
        lc.taskId = taskId;
        lc.stepId = stepId;
        byTask.set(taskId, lc);
        sub.socket.emit('_join-tasks', JSON.stringify({ tasks: [taskId], history: true }));
        const e = early.get(taskId);
        if (e) {
          early.delete(taskId);
          lc.dispatched = e.at;
          lc.early = true;
          if (e.stepId !== stepId) lcFail(lc, 'unexpected step-updated', `step ${e.stepId}, the 201 named ${stepId}`);
          else if (e.putOk) {
            lc.putOk = true;
            maybeDone(lc);
          }
          // otherwise the PUT's answer finds the lifecycle through byTask
        }
      },
      (e) => {
        if (!lc.finished) lcFail(lc, 'create-task failed', `POST ${agent.createPath}: ${e.message}`);
      },
    );
    return done;
  };

  // A sweeper fails lifecycles whose deadline passed, naming what is missing.
  const sweeper = setInterval(() => {
    const now = performance.now();
    for (const lc of outstanding) {
      if (now - lc.scheduled < opts.timeoutMs) continue;
      const missing = [];
      if (lc.created === undefined) missing.push('create-task 201');
      else {
        if (lc.dispatched === undefined) missing.push('step-updated');
        else if (!lc.putOk) missing.push('update-step 201');
        if (lc.completed === undefined) missing.push(`task-updated Completed${lc.joined ? '' : ' (no _join-tasks_ either)'}`);
      }
      const kind = missing.includes('step-updated') ? 'missing step-updated'
        : missing.some((m) => m.startsWith('task-updated')) ? 'missing task-updated Completed' : 'timeout';
      lcFail(lc, kind, `nothing for ${opts.timeoutMs} ms: missing ${missing.join(', ')}`);
    }
  }, 100);

  // --- measured run --------------------------------------------------------------------------------
  console.log(`realtime-bench: ${opts.url} ${opts.label ? `[${opts.label}] ` : ''}mode=${opts.mode} `
    + (opts.mode === 'rate' ? `rate=${opts.rate}/s duration=${opts.duration}s (${opts.lifecycles} lifecycles)`
      : `concurrency=${opts.closed} duration<=${opts.duration}s lifecycles<=${opts.lifecycles}`)
    + ` workers=${opts.workers} submitters=${opts.submitters} agents=${opts.agents} deflate=${opts.deflate} node=${process.version}`);

  running = true;
  let cpu0 = cpuSnapshot(opts.hubPid, opts.pgDb);
  let t0 = performance.now();
  generatorStalls.start();
  let started = 0;
  let scheduleEnd = t0;

  if (opts.mode === 'rate') {
    const intervalMs = 1000 / opts.rate;
    const waits = [];
    let maxLagMs = 0;
    await new Promise((resolve) => {
      const tick = () => {
        const now = performance.now();
        while (started < opts.lifecycles) {
          const due = t0 + started * intervalMs;
          if (due > now) break;
          maxLagMs = Math.max(maxLagMs, now - due);
          waits.push(startLifecycle(started, due));
          started++;
        }
        if (started >= opts.lifecycles) {
          resolve();
          return;
        }
        setTimeout(tick, Math.max(0, t0 + started * intervalMs - performance.now()));
      };
      tick();
    });
    scheduleEnd = performance.now();
    await Promise.all(waits);
    opts.scheduler_max_lag_ms = round(maxLagMs);
  } else {
    const endAt = t0 + opts.duration * 1000;
    const loop = async () => {
      while (started < opts.leadIn + opts.lifecycles && performance.now() < endAt) {
        const i = started++;
        if (i === opts.leadIn && i > 0) { // the lead-in is over: the measured run starts now
          cpu0 = cpuSnapshot(opts.hubPid, opts.pgDb);
          t0 = performance.now();
          generatorStalls.restart();
        }
        await startLifecycle(i, undefined);
      }
    };
    await Promise.all(Array.from({ length: opts.closed }, loop));
    scheduleEnd = performance.now();
  }
  const t1 = performance.now();
  const cpu1 = cpuSnapshot(opts.hubPid, opts.pgDb);
  generatorStalls.stop();
  running = false;
  clearInterval(sweeper);

  // late step-updated for lifecycles that failed to create, or for unknown tasks
  for (const [taskId, e] of early) {
    errors.add('unexpected step-updated', `step ${e.stepId} of task ${taskId} (worker ${e.worker}) matches no created task`);
  }

  for (const x of [...workers, ...submitters]) x.socket.close();
  createClient.close();
  updateClient.close();

  // --- results -------------------------------------------------------------------------------------
  const all = lifecycles.slice(opts.leadIn).filter(Boolean); // the lead-in's lifecycles are not counted
  const ok = all.filter((lc) => lc.ok);
  const failed = all.length - ok.length;
  const pick = (f) => ok.map(f);
  const lastCompleted = ok.reduce((m, lc) => Math.max(m, lc.completed), t0);
  const dispatch = {
    from_created: stats(pick((lc) => lc.dispatched - lc.created)),
    from_sent: stats(pick((lc) => lc.dispatched - lc.sent)),
  };
  const ownPauses = generatorGc.pauses.filter((p) => p.end > t0 && p.start < lastCompleted);
  const inOwnPause = (lc) => ownPauses.some((p) => p.start < lc.dispatched && p.end > lc.sent);
  const clearOfOwnPauses = ok.filter((lc) => !inOwnPause(lc));
  dispatch.from_sent_clear_of_generator_gc = stats(clearOfOwnPauses.map((lc) => lc.dispatched - lc.sent));
  const generatorGcSummary = {
    pauses: ownPauses.length,
    total_ms: round(ownPauses.reduce((sum, p) => sum + (p.end - p.start), 0)),
    longest_ms: round(ownPauses.reduce((m, p) => Math.max(m, p.end - p.start), 0)),
    lifecycles_in_flight_during_one: ok.length - clearOfOwnPauses.length,
  };
  const timedInStall = (lc) => generatorStalls.during(lc.dispatched);
  const clearOfStalls = ok.filter((lc) => !timedInStall(lc));
  dispatch.from_sent_clear_of_generator_stalls = stats(clearOfStalls.map((lc) => lc.dispatched - lc.sent));
  const lateness = stats(generatorStalls.lateness);
  const generatorStallSummary = {
    tick_late_ms: { p50: lateness.p50, p99: lateness.p99, max: lateness.max },
    stretches_over_ms: GENERATOR_STALL_MS,
    stretches: generatorStalls.stretches.length,
    total_ms: round(generatorStalls.stretches.reduce((sum, s) => sum + (s.end - s.start), 0)),
    lifecycles_timed_in_one: ok.length - clearOfStalls.length,
  };
  if (opts.mode === 'rate') dispatch.from_scheduled = stats(pick((lc) => lc.dispatched - lc.scheduled));
  const endToEnd = { from_sent: stats(pick((lc) => lc.completed - lc.sent)) };
  if (opts.mode === 'rate') endToEnd.from_scheduled = stats(pick((lc) => lc.completed - lc.scheduled));
  const createTask = stats(pick((lc) => lc.created - lc.sent));
  const updateStep = stats(pick((lc) => lc.updated - lc.dispatched).filter(Number.isFinite));
  const completion = stats(pick((lc) => lc.completed - Math.max(lc.dispatched, lc.created)));
  // per second of the run (by scheduled time): how latency moved, e.g. JIT warm-up, GC, queues building up
  const timeline = [];
  for (const lc of all) {
    const sec = Math.floor((lc.scheduled - t0) / 1000);
    const b = (timeline[sec] ??= { second: sec, started: 0, completed: 0, failed: 0, dispatch: [], e2e: [] });
    b.started++;
    if (lc.ok) {
      b.completed++;
      b.dispatch.push(lc.dispatched - lc.created);
      b.e2e.push(lc.completed - lc.scheduled);
    } else b.failed++;
  }
  const perSecond = [];
  for (let sec = 0; sec < timeline.length; sec++) {
    const b = timeline[sec] ?? { second: sec, started: 0, completed: 0, failed: 0, dispatch: [], e2e: [] };
    const d = stats(b.dispatch);
    const e = stats(b.e2e);
    perSecond.push({ s: sec, started: b.started, completed: b.completed, failed: b.failed,
      dispatch_p50: d.p50, dispatch_p99: d.p99, dispatch_max: d.max, e2e_p50: e.p50, e2e_p99: e.p99 });
  }
  if (opts.samples) { // one line per completed lifecycle, ms: when it was sent (from the run's start), then its spans
    const line = (lc) => [lc.sent - t0, lc.created - lc.sent, lc.dispatched - lc.sent, lc.completed - lc.sent]
      .map((x) => x.toFixed(3)).concat(inOwnPause(lc) ? 1 : 0).join(',');
    const start = `# measured run started at ${Math.round(performance.timeOrigin + t0)} ms since the epoch\n`;
    fs.writeFileSync(opts.samples, `${start}sent_at,create_201,dispatch_from_sent,end_to_end,in_generator_gc\n${ok.map(line).join('\n')}\n`);
  }
  const wallS = (t1 - t0) / 1000;
  const activeS = (lastCompleted - t0) / 1000;
  const throughput = ok.length / activeS;
  const cpu = cpuDelta(cpu0, cpu1, ok.length);

  const result = {
    bench: 'aihub-realtime',
    label: opts.label,
    at: new Date().toISOString(),
    url: opts.url,
    node: process.version,
    mode: opts.mode,
    rate: opts.rate,
    duration_s: opts.duration,
    concurrency: opts.closed,
    lead_in: opts.leadIn,
    workers: opts.workers,
    submitters: opts.submitters,
    agents: opts.agents,
    timeout_ms: opts.timeoutMs,
    deflate: opts.deflate,
    started: all.length,
    completed: ok.length,
    failed,
    ok: errors.count === 0 && failed === 0,
    wall_s: round(wallS),
    schedule_s: round((scheduleEnd - t0) / 1000),
    lifecycles_per_s: round(throughput, 1),
    scheduler_max_lag_ms: opts.scheduler_max_lag_ms,
    latency_ms: { dispatch, create_task: createTask, update_step: updateStep, completion_event: completion, end_to_end: endToEnd },
    step_updated_before_create_201: all.filter((lc) => lc.early).length,
    completed_reported_twice: completedSeenAgain,
    step_updated_received: workers.reduce((n, w) => n + w.received, 0),
    update_step_requests: putCount,
    errors: errors.count,
    errors_by_kind: errors.byKind,
    error_samples: errors.samples,
    cpu,
    generator_gc: generatorGcSummary,
    generator_stalls: generatorStallSummary,
    per_second: perSecond,
  };

  // --- print ---------------------------------------------------------------------------------------
  const f = (x) => (x === undefined || Number.isNaN(x) ? '-' : typeof x === 'number' ? x.toFixed(2) : String(x));
  const rows = [];
  const addRow = (name, s) => rows.push([name, s.n ?? 0, f(s.p50), f(s.p90), f(s.p99), f(s.max), f(s.mean)]);
  addRow('dispatch (201 received -> step-updated)', dispatch.from_created);
  addRow('dispatch (create sent -> step-updated)', dispatch.from_sent);
  if (dispatch.from_scheduled) addRow('dispatch (scheduled -> step-updated)', dispatch.from_scheduled);
  addRow('create-task (sent -> 201)', createTask);
  addRow('update-step (step-updated -> 201)', updateStep);
  addRow('completion (PUT sent -> task-updated)*', completion);
  addRow('end-to-end (create sent -> Completed)', endToEnd.from_sent);
  if (endToEnd.from_scheduled) addRow('end-to-end (scheduled -> Completed)', endToEnd.from_scheduled);
  const head = ['latency, ms', 'n', 'p50', 'p90', 'p99', 'max', 'mean'];
  const cells = rows.map((r) => r.map(String));
  const widths = head.map((h, c) => Math.max(h.length, ...cells.map((r) => r[c].length)));
  const line = (r) => r.map((x, c) => (c === 0 ? x.padEnd(widths[c]) : x.padStart(widths[c]))).join('  ');
  console.log('');
  console.log(`lifecycles: started ${result.started}, completed ${result.completed}, failed ${result.failed}; `
    + `${result.lifecycles_per_s} completed/s over ${round(activeS)} s (schedule ${result.schedule_s} s`
    + `${opts.mode === 'rate' ? `, scheduler max lag ${result.scheduler_max_lag_ms} ms` : ''})`);
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of cells) console.log(line(r));
  console.log('  * from max(step-updated received, 201 received): the PUT is sent on step-updated');
  console.log(`step-updated received ${result.step_updated_received} (before the create-task 201: `
    + `${result.step_updated_before_create_201}); Completed reported twice (snapshot + live, counted once): `
    + `${result.completed_reported_twice}`);
  console.log('per second of the run (lifecycles started; dispatch from 201 p50/p99/max; end-to-end p50/p99, ms):');
  const cellsPerSecond = perSecond.map((x) => `${x.s}s:${x.started}${x.failed ? `(${x.failed} failed)` : ''} `
    + `${f(x.dispatch_p50).replace(/\.\d+$/, '')}/${f(x.dispatch_p99).replace(/\.\d+$/, '')}/${f(x.dispatch_max).replace(/\.\d+$/, '')} `
    + `${f(x.e2e_p50).replace(/\.\d+$/, '')}/${f(x.e2e_p99).replace(/\.\d+$/, '')}`);
  for (let k = 0; k < cellsPerSecond.length; k += 4) console.log(`  ${cellsPerSecond.slice(k, k + 4).map((c) => c.padEnd(34)).join('')}`);
  console.log(`this process's GC pauses in the measured run: ${generatorGcSummary.pauses}, ${f(generatorGcSummary.total_ms)} ms in all, `
    + `longest ${f(generatorGcSummary.longest_ms)} ms; lifecycles in flight during one: ${generatorGcSummary.lifecycles_in_flight_during_one}; `
    + `dispatch from the create sent without them: p50 ${f(dispatch.from_sent_clear_of_generator_gc.p50)}, p99 ${f(dispatch.from_sent_clear_of_generator_gc.p99)} ms`);
  console.log(`this process's event loop in the measured run ran a 1 ms timer late by p50 ${f(lateness.p50)}, p99 ${
    f(lateness.p99)}, max ${f(lateness.max)} ms; ${generatorStallSummary.stretches} stretches more than ${GENERATOR_STALL_MS} ms late, ${
    f(generatorStallSummary.total_ms)} ms in all; step-updated timed in one: ${generatorStallSummary.lifecycles_timed_in_one}; `
    + `dispatch from the create sent without them: p50 ${f(dispatch.from_sent_clear_of_generator_stalls.p50)}, p99 ${
      f(dispatch.from_sent_clear_of_generator_stalls.p99)} ms`);
  if (cpu.hub_ms !== undefined || cpu.machine_busy_pct !== undefined) {
    const p = cpu.per_lifecycle_ms ?? {};
    console.log(`cpu over ${cpu.wall_s} s: machine ${f(cpu.machine_busy_pct)} % busy (of ${os.cpus().length} cores); hub ${f(cpu.hub_ms)} ms, postgres (hub db) ${
      f(cpu.postgres_hub_db_ms)} ms, postgres (all) ${f(cpu.postgres_all_ms)} ms, generator ${f(cpu.generator_ms)} ms`);
    console.log(`cpu in the kernel (system time): hub ${f(cpu.hub_kernel_ms)} ms, postgres (hub db) ${f(cpu.postgres_hub_db_kernel_ms)} ms`);
    console.log(`cpu per completed lifecycle: hub ${f(p.hub)} ms, postgres (hub db) ${f(p.postgres_hub_db)} ms, `
      + `postgres (all) ${f(p.postgres_all)} ms, generator ${f(p.generator)} ms`);
    if (cpu.hub_threads_ms) {
      console.log(`hub threads (ms): ${Object.entries(cpu.hub_threads_ms).map(([k, v]) => `${k}=${v}`).join(', ')}`);
    }
    const queued = cpu.run_queue_per_lifecycle;
    if (queued) {
      const shown = (w) => `${f(w.wait_us)} us over ${f(w.scheduled)}`;
      console.log('waiting for a core per completed lifecycle (us, over the times scheduled): '
        + (queued.postgres_hub_db ? `postgres (hub db) ${shown(queued.postgres_hub_db)}; ` : '')
        + `hub threads: ${Object.entries(queued.hub_threads ?? {}).map(([k, w]) => `${k} ${shown(w)}`).join(', ')}`);
    }
  }
  if (!result.ok) {
    console.error(`\n!!! ${errors.count} errors, ${failed} failed lifecycles (by kind: ${JSON.stringify(errors.byKind)})`);
    for (const s of errors.samples) console.error(`!!!   ${s.at} ${s.kind}: ${s.detail}`);
    console.error('!!! THIS BENCHMARK RUN HAD ERRORS; its figures are not clean.\n');
  }
  console.log(`BENCH_JSON ${JSON.stringify(result)}`);
  process.exitCode = result.ok ? 0 : 1;
  // socket.io-client and keep-alive sockets are closed; leave in any case
  setTimeout(() => process.exit(process.exitCode), 500).unref();
}

main().catch((e) => fail(`unexpected failure: ${e?.stack ?? e}`));
