/**
 * Builds the page from elements and text nodes only. Data from the API is always a text node: it is never parsed
 * as HTML, so a trait value like "<img onerror=...>" shows as those characters. Links go to the console's own
 * routes (#/...) only, and event handlers are functions, never strings.
 */

/** h('p', {class: 'note'}, 'text', child, [more, children]) */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name.startsWith('on')) {
      if (typeof value !== 'function') {
        throw new TypeError(`${name} must be a function`);
      }
      node.addEventListener(name.slice(2), value);
    } else if (name === 'href') {
      node.setAttribute('href', route(value));
    } else if (name === 'class') {
      node.className = value;
    } else if (value === true) {
      node.setAttribute(name, '');
    } else {
      node.setAttribute(name, String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) {
      continue;
    }
    if (Array.isArray(child)) {
      append(node, child);
    } else if (child instanceof Node) {
      node.append(child);
    } else {
      node.append(document.createTextNode(String(child)));
    }
  }
}

/** Only the console's own routes may be linked. */
function route(href) {
  const text = String(href);
  if (!text.startsWith('#/')) {
    throw new Error(`Not a console route: ${text}`);
  }
  return text;
}

/** The console route of a profile, its id encoded as one segment. */
export const profileRoute = (id) => `#/profile/${encodeURIComponent(id)}`;
export const timelineRoute = (id) => `#/profile/${encodeURIComponent(id)}/timeline`;
export const segmentRoute = (code) => `#/segments/${encodeURIComponent(code)}`;
export const tagRoute = (code) => `#/tags/${encodeURIComponent(code)}`;
export const importRoute = (id) => `#/imports/${encodeURIComponent(id)}`;
export const quarantineRoute = (id) => `#/quarantine/${encodeURIComponent(id)}`;

/** A titled card; content that is empty shows the given note instead. */
export function card(title, content, emptyNote = 'Nothing yet.') {
  const empty = content === undefined || content === null || (Array.isArray(content) && content.length === 0);
  return h('section', { class: 'card' }, h('h2', {}, title), empty ? h('p', { class: 'muted' }, emptyNote) : content);
}

/** A table of rows: columns are [heading, row => cell content]. */
export function table(columns, rows) {
  return tableOf(columns, h('tbody', {}, rows.map((row) => tableRow(columns, row))));
}

function tableOf(columns, body) {
  return h('div', { class: 'scroll' },
    h('table', {}, h('thead', {}, h('tr', {}, columns.map(([heading]) => h('th', { scope: 'col' }, heading)))), body));
}

function tableRow(columns, row) {
  return h('tr', {}, columns.map(([, cell]) => h('td', {}, cell(row))));
}

/**
 * A table filled page by page: load(cursor) answers {items, next}; "Load more" asks for the next page while the
 * last one had a next. Call next() once for the first page. A failure goes to fail(error).
 */
export function pagedTable(columns, load, fail, emptyNote) {
  const body = h('tbody');
  const more = h('button', { type: 'button', class: 'more', hidden: true }, 'Load more');
  const none = h('p', { class: 'muted', hidden: true }, emptyNote);
  let cursor;
  const next = async () => {
    more.disabled = true;
    try {
      const page = await load(cursor);
      body.append(...(page.items ?? []).map((item) => tableRow(columns, item)));
      cursor = page.next;
      more.hidden = !cursor;
      none.hidden = body.childElementCount > 0 || Boolean(cursor);
    } catch (error) {
      fail(error);
    } finally {
      more.disabled = false;
    }
  };
  more.addEventListener('click', next);
  return { node: h('div', {}, tableOf(columns, body), none, more), next };
}

/** A definition list of [term, value] pairs; pairs whose value is absent are left out. */
export function facts(pairs) {
  const shown = pairs.filter(([, value]) => value !== undefined && value !== null && value !== '');
  return h('dl', { class: 'facts' }, shown.map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
}

/**
 * Hands a file the console fetched (with the key, so not a plain link) to the browser to save under its name. Its
 * address is a blob: URL of this page, revoked once the browser has taken it.
 */
export function saveFile(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function problem(message) {
  return h('p', { class: 'problem', role: 'alert' }, message);
}

// --- formatting ---

/** A time in the user's locale, with the exact ISO time as its tooltip. */
export function time(iso) {
  if (!iso) {
    return '—';
  }
  const date = new Date(iso);
  return h('time', { datetime: iso, title: iso }, Number.isNaN(date.getTime()) ? iso : date.toLocaleString());
}

/** Money as the API gives it: exact decimal text and a currency. */
export const money = (value) => (value ? `${value.amount} ${value.currency}` : '—');

export const moneyList = (values) => (values?.length ? values.map(money).join(', ') : '—');

export const percent = (fraction) => (typeof fraction === 'number' ? `${(fraction * 100).toFixed(1)} %` : '—');

/** A size in bytes as people read it (1.5 MB). */
export function bytes(count) {
  if (typeof count !== 'number') {
    return '—';
  }
  const units = ['bytes', 'KB', 'MB', 'GB'];
  let value = count;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${count.toLocaleString()} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

export const figure = (number) => (typeof number === 'number' ? number.toLocaleString() : '—');

/** Any JSON value as plain text (objects and arrays as compact JSON). */
export const text = (value) => (value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value));

/** A masked value from the gateway holds runs of asterisks (138****5678, a***@example.com). */
export const looksMasked = (value) => typeof value === 'string' && value.includes('***');
