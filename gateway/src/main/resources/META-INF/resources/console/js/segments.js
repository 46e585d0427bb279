import { countRule, members, segment, segments } from './api.js';
import { card, facts, figure, h, pagedTable, percent, profileRoute, segmentRoute, time } from './dom.js';

/** How long typing must pause before the rule is counted. */
const TYPING_PAUSE_MS = 400;

/** The segments screen: an audience counter, then every segment by code with its member count, a page at a time. */
export function segmentsScreen(ctx) {
  const list = pagedTable([
    ['Segment', (s) => [h('a', { href: segmentRoute(s.code) }, s.name || s.code), h('code', { class: 'block' }, s.code)]],
    ['Members', (s) => figure(s.members)],
    ['Refreshed', (s) => time(s.refreshedAt)],
    ['Description', (s) => s.description ?? ''],
  ], (cursor) => segments(cursor), ctx.fail, 'No segments yet.');
  ctx.show(h('h1', {}, 'Segments'), audienceCounter(ctx), h('section', { class: 'card' }, list.node));
  list.next();
}

/**
 * A rule typed here is counted as the user types (POST /v1/segments/count), without saving anything: how many
 * profiles it selects, or why the rule is refused, with the position the gateway names. Only the answer to the
 * latest text is shown.
 */
function audienceCounter(ctx) {
  const rule = h('textarea', { id: 'audience-rule', rows: 3, spellcheck: false, autocomplete: 'off',
    placeholder: 'tag.loyalty = "loyal" and consent.marketing = true' });
  const answer = h('p', { class: 'answer', role: 'status' });
  const idle = () => answer.replaceChildren(h('span', { class: 'muted' },
    'Type a rule of tags, traits and consent to count the profiles it selects.'));
  let asked = 0;
  let timer;
  const count = async () => {
    const text = rule.value.trim();
    const mine = ++asked;
    if (!text) {
      idle();
      return;
    }
    answer.replaceChildren(h('span', { class: 'muted' }, 'Counting …'));
    try {
      const c = await countRule(text);
      if (mine === asked) {
        answer.replaceChildren(h('strong', { class: 'figure' }, figure(c.count)),
          ` of ${figure(c.profiles)} profiles (${percent(c.profiles > 0 ? c.count / c.profiles : 0)})`);
      }
    } catch (error) {
      if (mine !== asked) {
        return;
      }
      if (error.status === 400) {
        answer.replaceChildren(h('span', { class: 'problem inline' }, error.problem?.detail ?? error.message));
      } else {
        idle();
        ctx.fail(error);
      }
    }
  };
  rule.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(count, TYPING_PAUSE_MS);
  });
  idle();
  return card('Count an audience', [
    h('label', { for: 'audience-rule' }, 'Rule'),
    rule,
    answer,
    h('p', { class: 'muted' }, 'Conditions: ', h('code', {}, 'tag.<code>'), ' (the codes are on ',
      h('a', { href: '#/tags' }, 'Tags'), '), ', h('code', {}, 'trait.<name>'), ', ', h('code', {}, 'consent.<purpose>'),
      '; combined with and, or, not and parentheses. Nothing is saved.'),
  ]);
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
