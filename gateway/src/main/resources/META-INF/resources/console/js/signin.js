import { session, segments } from './api.js';
import { h, problem } from './dom.js';

/**
 * The sign-in screen: the user's API key, checked with one small read (the first segment) before it is kept.
 * The field has no name, so even without JavaScript the key can never be submitted in a URL.
 */
export function signIn(ctx, message) {
  const key = h('input', { type: 'password', id: 'api-key', autocomplete: 'off', spellcheck: 'false', required: true,
    placeholder: 'ptk_…' });
  const status = h('div', { 'aria-live': 'polite' }, message ? problem(message) : null);
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h('form', { class: 'card narrow', onsubmit: async (event) => {
    event.preventDefault();
    submit.disabled = true;
    session.signIn(key.value);
    try {
      await segments(undefined, 1);
      ctx.signedIn();
    } catch (error) {
      session.signOut();
      status.replaceChildren(problem(error.message));
    } finally {
      submit.disabled = false;
    }
  } },
  h('h1', {}, 'Sign in'),
  h('p', {}, 'Customer 360 reads Portrait with your API key. It is kept in this browser tab only and sent with '
    + 'each request; Sign out forgets it.'),
  h('label', { for: 'api-key' }, 'API key'),
  key,
  h('p', { class: 'muted' }, 'The key needs profiles:read; with pii:read too, identifiers and traits show in clear '
    + '(each such read is audited).'),
  status,
  submit);
  ctx.show(form);
  key.focus();
}
