import { destinations } from './api.js';
import { card, facts, figure, h, segmentRoute, table, time } from './dom.js';

/**
 * The destinations screen: every webhook destination of the workspace and, for each of its segments, how far
 * delivery got: changes delivered, the last one acknowledged, and a run of failures with its error and next try.
 */
export async function destinationsScreen(ctx) {
  const answer = await ctx.read('destinations', destinations);
  if (!answer) {
    return;
  }
  const list = answer.items ?? [];
  ctx.show(
    h('h1', {}, 'Destinations'),
    h('p', { class: 'muted' }, 'Webhooks that receive segment membership changes (entered, left) as they happen. '
      + 'They are set up with the API (POST /v1/destinations); a failing one is retried with backoff and never '
      + 'skips a change.'),
    ...(list.length === 0
      ? [card('No destinations', h('p', { class: 'muted' }, 'No webhook receives this workspace\'s segments yet.'))]
      : list.map(destination)));
}

function destination(d) {
  const failing = (d.segments ?? []).some((s) => s.failures > 0);
  return card(d.name || d.id, [
    failing && h('p', { class: 'banner warn', role: 'status' },
      'Delivery is failing for a segment below; changes wait, in order, until the receiver answers again.'),
    facts([
      ['Address', h('code', {}, d.url)],
      ['Starts', d.start === 'now' ? 'after the changes its segments held when it was created' : 'from the beginning of each log'],
      ['Created', [time(d.createdAt), d.createdBy ? ` by ${d.createdBy}` : '']],
      ['Secret rotated', d.rotatedAt && time(d.rotatedAt)],
    ]),
    table([
      ['Segment', (s) => h('a', { href: segmentRoute(s.segment) }, s.segment)],
      ['Delivered', (s) => figure(s.delivered)],
      ['Last delivered', (s) => time(s.lastDeliveredAt)],
      ['Through change', (s) => figure(s.deliveredThrough)],
      ['Failures', (s) => (s.failures > 0
        ? [h('span', { class: 'status failed' }, `${figure(s.failures)} in a row`),
          h('span', { class: 'block reason' }, s.lastError ?? ''),
          s.nextTryAt && h('span', { class: 'block muted' }, 'next try ', time(s.nextTryAt))]
        : h('span', { class: 'status done' }, 'none'))],
    ], d.segments ?? []),
  ]);
}
