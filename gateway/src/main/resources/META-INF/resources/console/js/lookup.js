import { lookup, profile } from './api.js';
import { h, profileRoute } from './dom.js';

/** Identifier types a profile can be looked up by (docs/api.md, "Collect events"). */
const TYPES = ['email', 'phone', 'user_id', 'member_card', 'crm_id', 'wechat_openid', 'wechat_unionid', 'device_id',
  'anonymous_id', 'idfa', 'gaid'];

/**
 * The lookup screen: an identifier (type and value) or a profile id. The value is never put into the address bar:
 * only the profile id the gateway answers is.
 */
export function lookupScreen(ctx) {
  const type = h('select', { id: 'identifier-type' }, TYPES.map((t) => h('option', { value: t }, t)));
  const value = h('input', { id: 'identifier-value', type: 'search', autocomplete: 'off', required: true,
    placeholder: 'ann@example.com' });
  const id = h('input', { id: 'profile-id', type: 'search', autocomplete: 'off', required: true,
    placeholder: '3682f723-33b9-…' });

  const open = (find) => async (event) => {
    event.preventDefault();
    const button = event.target.querySelector('button');
    button.disabled = true;
    try {
      const view = await find();
      ctx.remember(view);
      location.hash = profileRoute(view.id);
    } catch (error) {
      ctx.fail(error);
    } finally {
      button.disabled = false;
    }
  };

  ctx.show(
    h('h1', {}, 'Look up a customer'),
    h('div', { class: 'grid two' },
      h('form', { class: 'card', onsubmit: open(() => lookup(type.value, value.value)) },
        h('h2', {}, 'By identifier'),
        h('label', { for: 'identifier-type' }, 'Type'), type,
        h('label', { for: 'identifier-value' }, 'Value'), value,
        h('p', { class: 'muted' }, 'Any spelling works: the value is normalized as events are (" Ann@Example.com " '
          + 'finds ann@example.com, 139 1234 5678 finds +8613912345678).'),
        h('button', { type: 'submit' }, 'Look up')),
      h('form', { class: 'card', onsubmit: open(() => profile(id.value.trim())) },
        h('h2', {}, 'By profile id'),
        h('label', { for: 'profile-id' }, 'Profile id'), id,
        h('p', { class: 'muted' }, 'An id merged into another profile opens the surviving profile.'),
        h('button', { type: 'submit' }, 'Open'))));
  value.focus();
}
