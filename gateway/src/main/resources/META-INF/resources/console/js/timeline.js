import { timeline } from './api.js';
import { h, pagedTable, profileRoute, text, time } from './dom.js';

/** The timeline screen: a profile's events, newest first, a page at a time ("Load more" follows next). */
export function timelineScreen(ctx, id) {
  const events = pagedTable([
    ['When', (e) => time(e.timestamp)],
    ['Event', (e) => [h('strong', {}, e.name ?? e.type), e.name ? h('span', { class: 'muted block' }, e.type) : null]],
    ['Channel', (e) => [e.channel, h('span', { class: 'muted block' }, e.source)]],
    ['Identifiers', (e) => (e.identifiers ?? []).map((i) => h('code', { class: 'block' }, `${i.type}: ${i.value}`))],
    ['Details', details],
  ], (cursor) => timeline(id, cursor), ctx.fail, 'No events.');
  ctx.show(
    h('div', { class: 'heading' },
      h('h1', {}, 'Timeline of ', h('code', {}, id)),
      h('a', { class: 'button', href: profileRoute(id) }, 'Profile')),
    h('p', { class: 'muted' }, 'Events of this profile and of every id merged into it, as collected. Identifier '
      + 'values and trait texts are masked unless your key holds pii:read.'),
    h('section', { class: 'card' }, events.node));
  events.next();
}

/** Properties, traits and consent of one event, each as name: value. */
function details(event) {
  const groups = [['', event.properties], ['trait ', event.traits], ['consent ', event.consent]];
  const lines = groups.flatMap(([prefix, values]) => Object.entries(values ?? {})
    .map(([name, value]) => h('div', {}, h('span', { class: 'muted' }, `${prefix}${name}: `), text(value))));
  return lines.length ? h('div', { class: 'details' }, lines) : '—';
}
