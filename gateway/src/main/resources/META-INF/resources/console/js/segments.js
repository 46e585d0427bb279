import { members, segment, segments } from './api.js';
import { card, facts, figure, h, pagedTable, profileRoute, segmentRoute, time } from './dom.js';

/** The segments screen: every segment by code, with its member count, a page at a time. */
export function segmentsScreen(ctx) {
  const list = pagedTable([
    ['Segment', (s) => [h('a', { href: segmentRoute(s.code) }, s.name || s.code), h('code', { class: 'block' }, s.code)]],
    ['Members', (s) => figure(s.members)],
    ['Refreshed', (s) => time(s.refreshedAt)],
    ['Description', (s) => s.description ?? ''],
  ], (cursor) => segments(cursor), ctx.fail, 'No segments yet.');
  ctx.show(h('h1', {}, 'Segments'), h('section', { class: 'card' }, list.node));
  list.next();
}

/** One segment: its rule and count, and its members, each opening the member's profile. */
export async function segmentScreen(ctx, code) {
  ctx.loading(`Segment ${code}`);
  let s;
  try {
    s = await segment(code);
  } catch (error) {
    ctx.fail(error);
    return;
  }
  const list = pagedTable([
    ['Profile', (m) => h('a', { href: profileRoute(m.profileId) }, h('code', {}, m.profileId))],
    ['Member since', (m) => time(m.since)],
  ], (cursor) => members(code, cursor), ctx.fail, 'No members.');
  ctx.show(
    h('div', { class: 'heading' }, h('h1', {}, s.name || s.code), h('a', { class: 'button', href: '#/segments' }, 'All segments')),
    h('div', { class: 'grid two' },
      card('Definition', facts([
        ['Code', h('code', {}, s.code)],
        ['Description', s.description],
        ['Rule', h('code', {}, s.rule)],
        ['Members', figure(s.members)],
        ['Refreshed', time(s.refreshedAt)],
      ])),
      card('Members', [
        h('p', { class: 'muted' }, 'Checked against the rule as it stands: a page can hold fewer members than asked for.'),
        list.node,
      ])));
  list.next();
}
