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
const signOut = document.getElementById('signout');

/** What every view gets: who is signed in, the socket, and a way to be told of events until it leaves. */
const app = { me: null, live: null, listeners: new Set(), cleanup: [] };

app.on = (listener) => {
  app.listeners.add(listener);
  app.cleanup.push(() => app.listeners.delete(listener));
};
app.every = (ms, action) => {
  const timer = setInterval(action, ms);
  app.cleanup.push(() => clearInterval(timer));
};
app.go = (hash) => { location.hash = hash; };

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
      if (state === 'live') for (const listener of [...app.listeners]) listener('_live', null);
    });
  app.live.keep('_join-rooms', { joinAccountRoom: true });
}

function navigation() {
  const links = app.me?.kind === 'admin'
    ? [['#/admin', 'Accounts']]
    : app.me ? [['#/agents', 'My agents'], ['#/tasks', 'My tasks']] : [];
  show(nav, links.map(([href, label]) => el('a', { href, text: label })));
  signOut.hidden = !app.me;
}

signOut.addEventListener('click', () => {
  for (const undo of app.cleanup.splice(0)) undo();
  session.forget();
  app.live?.close();
  app.live = null;
  app.me = null;
  liveBadge.textContent = '';
  navigation();
  app.go('#/signin');
});

app.signedIn = async () => {
  app.me = await whoAmI();
  navigation();
  startLive();
};

async function route() {
  for (const undo of app.cleanup.splice(0)) undo();
  const hash = location.hash.slice(1) || '/';
  const [path, query = ''] = hash.split('?');
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (!session.token) {
    navigation();
    return signIn(main, app);
  }
  if (!app.me) {
    try {
      await app.signedIn();
    } catch (error) {
      session.forget();
      return signIn(main, app, error instanceof HubError ? error.message : String(error));
    }
  }
  try {
    if (parts[0] === 'agents' && parts.length === 1) return await agentList(main, app);
    if (parts[0] === 'agents' && parts.length === 2) return await agentTasks(main, app, parts[1], params);
    if (parts[0] === 'agents' && parts[2] === 'tasks' && parts.length === 4) {
      return await taskView(main, app, parts[1], parts[3]);
    }
    if (parts[0] === 'tasks') return await myTasks(main, app, params);
    if (parts[0] === 'admin') return await accounts(main, app);
    if (parts[0] === 'signin') return signIn(main, app);
    if (app.me.kind === 'admin') return app.go('#/admin');
    return app.go(app.me.agents.length ? '#/agents' : '#/tasks');
  } catch (error) {
    show(main, el('section', { class: 'panel' }, el('h1', { text: 'Something went wrong' }),
      el('p', { class: 'error', role: 'alert', text: error.message })));
  }
}

window.addEventListener('hashchange', route);
route();
