import { categories, insight, tag, tagValues, tags } from './api.js';
import { card, facts, figure, h, pagedTable, percent, profileRoute, table, tagRoute, time } from './dom.js';

/** The taxonomy is read whole, a page of 500 at a time, up to this many pages of categories and of tags each. */
const MAX_PAGES = 20;

const STATUSES = ['published', 'draft', 'retired'];

/** The tag screen's values shown in the distribution. */
const TOP_VALUES = 20;

/**
 * The tags screen: the taxonomy as a tree of categories, each with its tags, filtered by status and by a word of
 * their code or name as the user types.
 */
export async function tagsScreen(ctx) {
  const both = await ctx.read('the taxonomy', () => Promise.all([readAll(categories), readAll(tags)]));
  if (!both) {
    return;
  }
  const [taxonomy, definitions] = both;
  const tree = h('div', { class: 'taxonomy' });
  const summary = h('p', { class: 'muted' });
  const status = h('select', { id: 'tag-status' },
    h('option', { value: '' }, 'Every status'), STATUSES.map((s) => h('option', { value: s }, s)));
  const word = h('input', { id: 'tag-find', type: 'search', placeholder: 'code or name', autocomplete: 'off' });
  const draw = () => {
    const shown = definitions.items.filter(matching(status.value, word.value));
    summary.replaceChildren(describe(definitions.items, shown, taxonomy.items.length));
    tree.replaceChildren(...branches(taxonomy.items, shown, Boolean(status.value || word.value.trim())));
  };
  status.addEventListener('change', draw);
  word.addEventListener('input', draw);
  ctx.show(
    h('h1', {}, 'Tags'),
    h('section', { class: 'card' },
      h('div', { class: 'filters' },
        h('div', {}, h('label', { for: 'tag-find' }, 'Find'), word),
        h('div', {}, h('label', { for: 'tag-status' }, 'Status'), status)),
      summary,
      (!taxonomy.complete || !definitions.complete) && h('p', { class: 'banner warn' },
        `Only the first ${figure(MAX_PAGES * 500)} categories and tags are shown; the API lists them all.`),
      tree));
  draw();
}

/** Every item of a paged list, up to MAX_PAGES pages; complete says whether the last page was reached. */
async function readAll(load) {
  const items = [];
  let cursor;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await load(cursor);
    items.push(...(answer.items ?? []));
    cursor = answer.next;
    if (!cursor) {
      return { items, complete: true };
    }
  }
  return { items, complete: false };
}

function matching(status, word) {
  const needle = word.trim().toLowerCase();
  return (t) => (!status || t.status === status)
    && (!needle || t.code.toLowerCase().includes(needle) || (t.name ?? '').toLowerCase().includes(needle));
}

function describe(all, shown, categoryCount) {
  const byStatus = STATUSES.map((s) => `${figure(all.filter((t) => t.status === s).length)} ${s}`).join(', ');
  const total = `${figure(all.length)} tags in ${figure(categoryCount)} categories (${byStatus})`;
  return shown.length === all.length ? `${total}.` : `${figure(shown.length)} of ${total}.`;
}

/**
 * The categories as a tree (a category whose parent is not in the taxonomy is a root), each with the tags shown in
 * it; tags of no known category come last. While filtering, categories with no tag shown in their branch are left
 * out.
 */
function branches(taxonomy, shown, filtering) {
  const known = new Set(taxonomy.map((c) => c.code));
  const children = groupBy(taxonomy, (c) => (known.has(c.parentCode) ? c.parentCode : ''));
  const tagsOf = groupBy(shown, (t) => (known.has(t.category) ? t.category : ''));
  const count = (code, seen = new Set()) => {
    if (seen.has(code)) {
      return 0;
    }
    seen.add(code);
    return (tagsOf.get(code)?.length ?? 0) + (children.get(code) ?? []).reduce((sum, c) => sum + count(c.code, seen), 0);
  };
  const placed = new Set();
  const branch = (category) => {
    const inside = count(category.code);
    if (placed.has(category.code) || (filtering && inside === 0)) {
      return null;
    }
    placed.add(category.code);
    return h('details', { class: 'category', open: true },
      h('summary', {}, h('strong', {}, category.name || category.code), ' ', h('code', {}, category.code),
        h('span', { class: 'muted' }, ` · ${figure(inside)} ${inside === 1 ? 'tag' : 'tags'}`)),
      category.description && h('p', { class: 'muted' }, category.description),
      tagTable(tagsOf.get(category.code) ?? []),
      (children.get(category.code) ?? []).map(branch));
  };
  const roots = (children.get('') ?? []).map(branch);
  const loose = tagsOf.get('') ?? [];
  return [
    ...roots.filter(Boolean),
    loose.length > 0 && h('details', { class: 'category', open: true },
      h('summary', {}, h('strong', {}, 'Without a category'), h('span', { class: 'muted' }, ` · ${figure(loose.length)}`)),
      tagTable(loose)),
    roots.every((r) => !r) && loose.length === 0 && h('p', { class: 'muted' }, filtering ? 'No tag matches.' : 'No tags yet.'),
  ].filter(Boolean);
}

function groupBy(items, key) {
  const groups = new Map();
  for (const item of items) {
    const k = key(item) ?? '';
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}

function tagTable(list) {
  return list.length === 0 ? null : table([
    ['Tag', (t) => [h('a', { href: tagRoute(t.code) }, t.name || t.code), h('code', { class: 'block' }, t.code)]],
    ['Kind', (t) => [t.kind, h('span', { class: 'block muted' }, t.valueType)]],
    ['Status', (t) => h('span', { class: `status ${t.status}` }, t.status)],
    ['Live version', (t) => t.liveVersion ?? '—'],
    ['Kept current', (t) => t.updateMode ?? '—'],
  ], list);
}

/**
 * One tag: its definition, how many profiles hold it and which values (the live version), every version of its
 * spec, and the profiles holding it with the reason each does.
 */
export async function tagScreen(ctx, code) {
  const details = await ctx.read(`Tag ${code}`, () => tag(code));
  if (!details) {
    return;
  }
  const d = details.definition;
  const live = d.liveVersion;
  const coverage = card('Coverage and values', live
    ? h('p', { class: 'muted' }, 'Loading …')
    : h('p', { class: 'muted' }, 'Not published yet: no profile holds a value of this tag.'));
  const holders = live && pagedTable([
    ['Profile', (v) => h('a', { href: profileRoute(v.profileId) }, h('code', {}, v.profileId))],
    ['Value', (v) => v.value],
    ['Why', (v) => h('span', { class: 'reason' }, v.reason)],
    ['Updated', (v) => time(v.updatedAt)],
  ], (cursor) => tagValues(code, cursor), ctx.fail, 'No profile holds a value.');
  ctx.show(
    h('div', { class: 'heading' },
      h('h1', {}, d.name || d.code), h('a', { class: 'button', href: '#/tags' }, 'All tags')),
    h('div', { class: 'grid two' },
      card('Definition', facts([
        ['Code', h('code', {}, d.code)],
        ['Description', d.description],
        ['Category', d.category && h('code', {}, d.category)],
        ['Owner', d.owner],
        ['Kind', `${d.kind} (${d.valueType})`],
        ['Update mode', d.updateMode],
        ['Status', h('span', { class: `status ${d.status}` }, d.status)],
        ['Live version', live ?? 'none'],
        ['Latest version', d.latestVersion],
        ['Created', time(d.createdAt)],
        ['Changed', time(d.updatedAt)],
      ])),
      coverage),
    versions(details.versions ?? [], live),
    live && card(`Profiles holding version ${live}`, holders.node));
  if (live) {
    holders.next();
    showInsight(coverage, code, ctx);
  }
}

async function showInsight(coverage, code, ctx) {
  let i;
  try {
    i = await insight(code, TOP_VALUES);
  } catch (error) {
    coverage.lastChild.replaceWith(h('p', { class: 'muted' }, 'Could not be read.'));
    ctx.fail(error);
    return;
  }
  coverage.lastChild.replaceWith(h('div', {},
    facts([
      ['Version', i.version],
      ['Profiles', figure(i.profiles)],
      ['Holding a value', `${figure(i.tagged)} (${percent(i.coverage)})`],
      ['Lowest', i.min],
      ['Highest', i.max],
      ['Mean', i.mean],
    ]),
    i.values?.length ? table([
      ['Value', (v) => h('code', {}, v.value)],
      ['Profiles', (v) => figure(v.profiles)],
      ['Share of holders', (v) => share(v.profiles, i.tagged)],
    ], i.values) : null,
    i.values?.length === TOP_VALUES && h('p', { class: 'muted' }, `The ${TOP_VALUES} most frequent values.`)));
}

function share(count, total) {
  const fraction = total > 0 ? count / total : 0;
  return h('span', { class: 'share' }, h('meter', { min: 0, max: 1, value: fraction }), ` ${percent(fraction)}`);
}

function versions(list, live) {
  const newestFirst = [...list].sort((a, b) => b.version - a.version);
  return card('Versions', table([
    ['Version', (v) => [String(v.version), v.version === live && h('span', { class: 'status published marker' }, 'live')]],
    ['Created', (v) => time(v.createdAt)],
    ['Published', (v) => time(v.publishedAt)],
    ['Spec', (v) => h('pre', { class: 'spec' }, h('code', {}, JSON.stringify(v.spec, null, 2)))],
  ], newestFirst), 'No versions.');
}
