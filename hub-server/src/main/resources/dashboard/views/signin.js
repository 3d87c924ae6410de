import { session } from '../api.js';
import { el, show } from '../dom.js';

/**
 * Sign-in with an API key (a builder or a user) or the admin token. The field is a text field whose
 * characters are masked by its style, not a password field, so the browser does not offer to keep it.
 */
export function signIn(main, app, problem) {
  const input = el('input', {
    id: 'credential', name: 'credential', type: 'text', class: 'masked', autocomplete: 'off', required: true,
    spellcheck: 'false', autocapitalize: 'off', 'aria-describedby': 'credential-help',
  });
  const error = el('p', { id: 'signin-error', class: 'error', role: 'alert', text: problem ?? '' });
  const form = el('form', {
    class: 'panel signin',
    onsubmit: async (event) => {
      event.preventDefault();
      session.token = input.value.trim();
      try {
        await app.signedIn();
        app.route();
      } catch (failure) {
        session.forget();
        error.textContent = `Not signed in: ${failure.message}`;
      }
    },
  },
  el('h1', { text: 'Sign in' }),
  el('label', { for: 'credential', text: 'API key or admin token' }),
  input,
  el('p', { id: 'credential-help', class: 'hint', text: 'Kept in this tab only, until you sign out or close it.' }),
  el('button', { type: 'submit', id: 'signin', text: 'Sign in' }),
  error);
  show(main, form);
  input.focus();
}
