import { countRule, createSegment, members, membersCsv, refreshSegment, segment, segments } from './api.js';
import { card, facts, figure, h, pagedTable, percent, profileRoute, saveFile, segmentRoute, time } from './dom.js';

/** What the members list shows of each member: who they are (masked without pii:read). */
const WHO = { identifiers: 'email,phone', traits: 'name' };

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
      '; combined with and, or, not and parentheses. Counting saves nothing.'),
    saveForm(ctx, rule),
  ]);
}

/**
 * Saves the rule being counted as a segment (POST /v1/segments, scope tags:admin) and opens it. A refusal (an
 * invalid rule or code, a code taken, a key without tags:admin) is shown beside the button; nothing is lost.
 */
function saveForm(ctx, rule) {
  const code = h('input', { id: 'segment-code', required: true, placeholder: 'gold_in_london', autocomplete: 'off' });
  const name = h('input', { id: 'segment-name', required: true, placeholder: 'Gold customers in London', autocomplete: 'off' });
  const description = h('input', { id: 'segment-description', autocomplete: 'off' });
  const outcome = h('span', { class: 'outcome', role: 'status' });
  const save = h('button', { type: 'submit' }, 'Save as a segment');
  const form = h('form', { class: 'save' },
    h('div', { class: 'fields' },
      h('div', {}, h('label', { for: 'segment-code' }, 'Code'), code),
      h('div', {}, h('label', { for: 'segment-name' }, 'Name'), name),
      h('div', {}, h('label', { for: 'segment-description' }, 'Description'), description)),
    save, outcome);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    save.disabled = true;
    outcome.replaceChildren();
    try {
      const saved = await createSegment(code.value.trim(), name.value.trim(), description.value.trim() || undefined,
        rule.value.trim());
      location.hash = segmentRoute(saved.code);
    } catch (error) {
      if (error.status === 401) {
        ctx.fail(error);
      } else {
        outcome.replaceChildren(h('span', { class: 'problem inline' },
          error.status === 400 || error.status === 409 ? error.problem?.detail ?? error.message : error.message));
      }
    } finally {
      save.disabled = false;
    }
  });
  return form;
}

/** One segment: its rule and count, and its members, each opening the member's profile. */
export async function segmentScreen(ctx, code, notice) {
  const s = await ctx.read(`Segment ${code}`, () => segment(code));
  if (!s) {
    return;
  }
  const list = pagedTable([
    ['Member', (m) => (m.traits?.name
      ? [h('a', { href: profileRoute(m.profileId) }, m.traits.name), h('code', { class: 'block muted' }, m.profileId)]
      : h('a', { href: profileRoute(m.profileId) }, h('code', {}, m.profileId)))],
    ['Email', (m) => (m.identifiers?.email ?? []).join(', ')],
    ['Phone', (m) => (m.identifiers?.phone ?? []).join(', ')],
    ['Member since', (m) => time(m.since)],
  ], (cursor) => members(code, cursor, WHO), ctx.fail, 'No members.');
  ctx.show(
    h('div', { class: 'heading' }, h('h1', {}, s.name || s.code), h('a', { class: 'button', href: '#/segments' }, 'All segments')),
    notice && h('p', { class: 'banner info', role: 'status' }, notice),
    h('div', { class: 'grid two' },
      card('Definition', [
        facts([
          ['Code', h('code', {}, s.code)],
          ['Description', s.description],
          ['Rule', h('code', {}, s.rule)],
          ['Members', figure(s.members)],
          ['Refreshed', time(s.refreshedAt)],
        ]),
        refresh(ctx, s.code),
      ]),
      download(ctx, s.code)),
    card('Members', [
      h('p', { class: 'muted' }, 'Checked against the rule as it stands: a page can hold fewer members than asked for.'),
      list.node,
    ]));
  list.next();
}

/**
 * Recomputes the members now (scope tags:admin) rather than at the daily refresh, then shows the segment again as it
 * now stands, saying how many entered and left.
 */
function refresh(ctx, code) {
  const outcome = h('span', { class: 'outcome', role: 'status' });
  const button = h('button', { type: 'button', class: 'more' }, 'Refresh now');
  button.addEventListener('click', async () => {
    button.disabled = true;
    outcome.replaceChildren(h('span', { class: 'muted' }, 'Refreshing …'));
    try {
      const done = await refreshSegment(code);
      segmentScreen(ctx, code, `Refreshed: ${figure(done.entered)} entered, ${figure(done.left)} left; `
        + `${figure(done.segment.members)} members now.`);
    } catch (error) {
      outcome.replaceChildren();
      ctx.fail(error);
    } finally {
      button.disabled = false;
    }
  });
  return h('div', {}, button, outcome);
}

/**
 * The whole membership as a CSV file, with the columns asked (GET /v1/segments/{code}/members.csv): identifiers
 * and traits masked unless the key holds pii:read, as everywhere in the API.
 */
function download(ctx, code) {
  const field = (id, label, placeholder) => {
    const input = h('input', { id, placeholder, autocomplete: 'off' });
    return { input, node: h('div', {}, h('label', { for: id }, label), input) };
  };
  const identifiers = field('export-identifiers', 'Identifier types', 'email,phone');
  const traits = field('export-traits', 'Traits', 'name,city');
  const tags = field('export-tags', 'Tags', 'loyalty,spend_band');
  const outcome = h('span', { class: 'outcome', role: 'status' });
  const button = h('button', { type: 'submit' }, 'Download CSV');
  const form = h('form', { class: 'save' },
    h('div', { class: 'fields' }, identifiers.node, traits.node, tags.node), button, outcome);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    outcome.replaceChildren(h('span', { class: 'muted' }, 'Preparing …'));
    try {
      const exported = await membersCsv(code, identifiers.input.value.trim(), traits.input.value.trim(), tags.input.value.trim());
      saveFile(exported.blob, exported.name ?? `${code}.csv`);
      outcome.replaceChildren(h('span', { class: 'muted' }, `${exported.name ?? `${code}.csv`} saved.`));
    } catch (error) {
      if (error.status === 400) {
        outcome.replaceChildren(h('span', { class: 'problem inline' }, error.problem?.detail ?? error.message));
      } else {
        outcome.replaceChildren();
        ctx.fail(error);
      }
    } finally {
      button.disabled = false;
    }
  });
  return card('Export the members', [
    h('p', { class: 'muted' }, 'Every member with the columns you name (comma-separated; each optional). Identifiers '
      + 'and traits come masked unless your key holds pii:read; an export read in clear is audited.'),
    form,
  ]);
}
