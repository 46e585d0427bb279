import { profile } from './api.js';
import {
  card, facts, figure, h, looksMasked, money, moneyList, percent, segmentRoute, table, tagRoute, time, timelineRoute,
} from './dom.js';

/** The profile screen: one customer as one person. Uses the view just looked up, else reads it. */
export async function profileScreen(ctx, id) {
  const view = ctx.recall(id) ?? await ctx.read(`Profile ${id}`, () => profile(id));
  if (!view) {
    return;
  }
  ctx.show(...render(view));
}

function render(view) {
  return [
    h('div', { class: 'heading' },
      h('h1', {}, 'Profile ', h('code', {}, view.id)),
      h('a', { class: 'button', href: timelineRoute(view.id) }, 'Timeline')),
    notices(view),
    h('div', { class: 'grid two' },
      identity(view),
      traits(view.traits),
      purchases(view.purchases),
      scores(view.scores),
      tags(view.tags),
      segments(view.segments),
      activity(view.activity),
      recommendations(view.recommendations)),
  ];
}

function notices(view) {
  const masked = [...(view.identifiers ?? []), ...(view.traits ?? [])].some((item) => looksMasked(item.value));
  const degraded = view.degraded ?? [];
  return h('div', { class: 'notices' },
    degraded.length > 0 && h('p', { class: 'banner warn', role: 'status' },
      `Part of this profile is missing: ${degraded.join(', ')}. The service holding it failed or was too slow; `
      + 'reload in a moment.'),
    masked && h('p', { class: 'banner info', role: 'status' },
      'Identifier and trait values are masked because your key lacks the scope pii:read. '
      + 'Ask an administrator for a key with pii:read to see them in clear (each such read is audited).'));
}

function identity(view) {
  return card('Identity', [
    facts([
      ['Channels', (view.channels ?? []).join(', ') || '—'],
      ['First seen', time(view.firstSeen)],
      ['Last seen', time(view.lastSeen)],
      ['Events', figure(view.eventCount)],
      ['Merged ids', view.mergedIds?.length ? view.mergedIds.map((id) => h('code', { class: 'block' }, id)) : 'none'],
    ]),
    table([['Identifier', (i) => i.type], ['Value', (i) => h('code', {}, i.value)]], view.identifiers ?? []),
  ]);
}

function traits(list) {
  return card('Golden record', list?.length ? table([
    ['Trait', (t) => t.name],
    ['Value', (t) => t.value],
    ['Source', (t) => t.source],
    ['Observed', (t) => time(t.observedAt)],
    ['Rule', (t) => t.rule],
  ], list) : null, 'No traits yet.');
}

function purchases(p) {
  return card('Purchases', p && facts([
    ['Orders', figure(p.orders)],
    ['Purchase days', figure(p.purchaseDays)],
    ['First purchase', time(p.firstPurchase)],
    ['Last purchase', time(p.lastPurchase)],
    ['Spent', moneyList(p.monetary)],
  ]), 'No purchases yet.');
}

function scores(s) {
  if (!s) {
    return card('Value scores', null, 'Not scored yet: scores appear once the value models ran after purchases.');
  }
  const rfm = s.rfm;
  return card('Value scores', facts([
    ['RFM cell', rfm && `R${rfm.r} F${rfm.f} M${rfm.m}`],
    ['RFM segment', rfm?.segment],
    ['Recency', rfm && `${figure(rfm.recencyDays)} days`],
    ['Frequency', rfm && `${figure(rfm.frequency)} purchase days`],
    ['Monetary', rfm && money(rfm.monetary)],
    ['CLV', s.clv && `${money(s.clv.clv)} over ${s.clv.horizonDays} days`],
    ['Expected purchases', s.clv && figure(s.clv.expectedPurchases)],
    ['Expected order value', s.clv && money(s.clv.expectedOrderValue)],
    ['P(alive)', s.clv && percent(s.clv.pAlive)],
    ['Churn risk', s.churnRisk],
    ['Value tier', s.valueTier],
    ['Engagement', figure(s.engagement)],
    ['Cluster', s.cluster],
    ['Model', s.modelVersion && [`${s.modelVersion}, scored `, time(s.scoredAt)]],
  ]));
}

function tags(list) {
  return card('Tags', list?.length ? table([
    ['Tag', (t) => [h('a', { href: tagRoute(t.code) }, t.name || t.code), t.name && h('code', { class: 'block' }, t.code)]],
    ['Value', (t) => (t.items ? t.items.join(', ') : t.value)],
    ['Why', (t) => h('span', { class: 'reason' }, t.reason)],
    ['Updated', (t) => time(t.updatedAt)],
  ], list) : null, 'No tags yet.');
}

function segments(list) {
  return card('Segments', list?.length
    ? h('ul', { class: 'chips' }, list.map((s) => h('li', {}, h('a', { href: segmentRoute(s.code) }, s.name || s.code))))
    : null, 'In no segment.');
}

function activity(list) {
  return card('Activity', list?.length ? table([
    ['Event', (a) => a.event],
    ['Count', (a) => figure(a.count)],
    ['First', (a) => time(a.firstAt)],
    ['Last', (a) => time(a.lastAt)],
  ], list) : null, 'No activity yet.');
}

/** Why best sellers were offered instead of personal picks. */
const NOT_PERSONALIZED = {
  no_consent: 'the customer gave no personalization consent',
  no_history: 'the customer has no history yet',
};

function recommendations(r) {
  if (!r) {
    return card('Next best offers', null, 'No recommendations yet.');
  }
  return card('Next best offers', [
    h('p', { class: 'muted' }, r.personalized
      ? `Personalized (model ${r.modelVersion}).`
      : `Best sellers only: ${NOT_PERSONALIZED[r.nonPersonalizedReason] ?? r.nonPersonalizedReason ?? 'not personalized'}.`),
    r.degraded && h('p', { class: 'banner warn' }, `Chosen without the customer's segments and preferences: ${r.degraded}`),
    r.items?.length ? table([
      ['Item', (i) => (i.name ? [h('strong', {}, i.name), h('code', { class: 'block' }, i.sku)] : h('code', {}, i.sku))],
      ['Category', (i) => [i.category, i.brand].filter(Boolean).join(' · ') || '—'],
      ['Price', (i) => (typeof i.price === 'number' ? String(i.price) : '—')],
      ['Why', (i) => h('span', { class: 'reason' }, i.reason)],
      ['Basis', (i) => i.basis ?? '—'],
    ], r.items) : h('p', { class: 'muted' }, 'No items to offer.'),
  ]);
}
