// The dashboard: a hash router over views, the signed-in identity, and one realtime socket per sign-in.
import { HubError, session, whoAmI } from './api.js';
import { el, show } from './dom.js';
import { Live } from './live.js';
import { signIn } from './views/signin.js';
import { agentList, agentTasks } from './views/agents.js';
import { taskView } from './views/task.js';
import { myTasks } from './views/mytasks.js';
import { accounts } from './views/admin.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const liveBadge = document.getElementById('live');
const signOutButton = document.getElementById('signout');

/**
 * What every view gets: who is signed in, the socket, and ways to act only while it is the view shown.
 * Each route change (and sign-out) starts a new view; what the old one registered is undone, and
 * `alive()` turns false for it, so a read that returns late draws nothing.
 */
const app = { me: null, live: null, listeners: new Set(), cleanup: [], view: 0, afterSignIn: null };

app.alive = () => {
  const view = app.view;
  return () => view === app.view;
};
app.on = (listener) => {
  app.listeners.add(listener);
  app.cleanup.push(() => app.listeners.delete(listener));
};
app.every = (ms, action) => {
  const timer = setInterval(action, ms);
  app.cleanup.push(() => clearInterval(timer));
};
/** Joins rooms for as long as the view is shown (and again after each reconnect). */
app.keep = (event, payload) => {
  if (app.live) app.cleanup.push(app.live.keep(event, payload));
};
/**
 * A redraw that events and timers ask for: at most one read at a time (one asked for meanwhile runs once
 * the first is done, so the newest state is drawn last), after `delay` ms to fold a burst of events.
 */
app.refresher = (refresh, delay = 100) => {
  const alive = app.alive();
  let timer = null;
  let running = false;
  let again = false;
  const run = async () => {
    timer = null;
    if (!alive()) return;
    if (running) { again = true; return; }
    running = true;
    try { await refresh(); } catch { /* the next event or tick reads again */ }
    running = false;
    if (again) { again = false; soon(); }
  };
  const soon = () => { timer ??= setTimeout(run, delay); };
  app.cleanup.push(() => clearTimeout(timer));
  return soon;
};
app.go = (hash) => {
  if (location.hash === hash) route();
  else location.hash = hash;
};

const LIVE_TEXT = { connecting: 'connecting…', live: '● live', reconnecting: 'reconnecting…', refused: 'not live' };

function startLive() {
  app.live?.close();
  app.live = null;
  if (app.me?.kind !== 'account') return;
  app.live = new Live(session.token,
    (name, payload) => { for (const listener of [...app.listeners]) listener(name, payload); },
    (state) => {
      liveBadge.textContent = LIVE_TEXT[state] ?? state;
      liveBadge.dataset.state = state;
      // The hub refused the key on the socket (revoked, expired): one read confirms it and signs out.
      if (state === 'refused') whoAmI().catch(() => {});
    });
  app.live.keep('_join-rooms', { joinAccountRoom: true });
}

function navigation() {
  const links = app.me?.kind === 'admin'
    ? [['#/admin', 'Accounts']]
    : app.me ? [['#/agents', 'My agents'], ['#/tasks', 'My tasks']] : [];
  show(nav, links.map(([href, label]) => el('a', { href, text: label })));
  signOutButton.hidden = !app.me;
}

function signOut(reason) {
  app.view++;
  for (const undo of app.cleanup.splice(0)) undo();
  session.forget();
  app.live?.close();
  app.live = null;
  app.me = null;
  liveBadge.textContent = '';
  delete liveBadge.dataset.state;
  navigation();
  signIn(main, app, reason);
}

signOutButton.addEventListener('click', () => {
  history.replaceState(null, '', '#/signin');
  signOut();
});
session.onRefused = (error) => {
  if (app.me) signOut(`Signed out: ${error.message}`);
};

app.signedIn = async () => {
  app.me = await whoAmI();
  navigation();
  startLive();
};

async function route() {
  app.view++;
  for (const undo of app.cleanup.splice(0)) undo();
  const hash = location.hash.slice(1) || '/';
  if (!session.token) {
    if (!hash.startsWith('/signin')) app.afterSignIn = `#${hash}`;
    navigation();
    return signIn(main, app);
  }
  try {
    if (!app.me) await app.signedIn();
  } catch (error) {
    session.forget();
    return signIn(main, app, error instanceof HubError ? error.message : String(error));
  }
  try {
    const [path, query = ''] = hash.split('?');
    const params = new URLSearchParams(query);
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] === 'agents' && parts.length === 1) return await agentList(main, app);
    if (parts[0] === 'agents' && parts.length === 2) return await agentTasks(main, app, parts[1], params);
    if (parts[0] === 'agents' && parts[2] === 'tasks' && parts.length === 4) {
      return await taskView(main, app, parts[1], parts[3]);
    }
    if (parts[0] === 'tasks') return await myTasks(main, app, params);
    if (parts[0] === 'admin') return await accounts(main, app);
    const next = app.afterSignIn;
    app.afterSignIn = null;
    if (next && !next.startsWith('#/signin') && next !== '#/') return app.go(next);
    if (app.me.kind === 'admin') return app.go('#/admin');
    return app.go(app.me.agents.length ? '#/agents' : '#/tasks');
  } catch (error) {
    if (error instanceof HubError && error.status === 401) return; // signed out meanwhile
    show(main, el('section', { class: 'panel' }, el('h1', { text: 'Something went wrong' }),
      el('p', { class: 'error', role: 'alert', text: error.message })));
  }
}

app.route = route;
window.addEventListener('hashchange', route);
route();
