import { quarantine, quarantined, replayCorrected, replayStored } from './api.js';
import { card, facts, figure, h, looksMasked, pagedTable, quarantineRoute, table, time } from './dom.js';

/**
 * The quarantine screen: the events ingestion refused, newest first, with every reason, narrowed to one source or
 * one rejection code; each opens the event to replay it.
 */
export function quarantineScreen(ctx) {
  const source = h('input', { id: 'quarantine-source', placeholder: 'pos-export', autocomplete: 'off' });
  const code = h('input', { id: 'quarantine-code', placeholder: 'missing_property', autocomplete: 'off' });
  const holder = h('div');
  const list = () => {
    const events = pagedTable([
      ['Received', (q) => h('a', { href: quarantineRoute(q.id) }, time(q.receivedAt))],
      ['Source', (q) => q.source],
      ['Event', (q) => described(q.event)],
      ['Why', (q) => reasons(q.errors)],
      ['Attempts', (q) => figure(q.attempts)],
    ], (cursor) => quarantine(source.value.trim(), code.value.trim(), cursor), ctx.fail, 'Nothing is in the quarantine.');
    holder.replaceChildren(events.node);
    events.next();
  };
  source.addEventListener('change', list);
  code.addEventListener('change', list);
  ctx.show(
    h('h1', {}, 'Quarantine'),
    h('section', { class: 'card' },
      h('p', { class: 'muted' }, 'Events refused by validation or a tracking plan, kept as sent until a replay '
        + 'accepts them. Fix the data (open an event, correct it, replay it) or the plan (then replay the events as '
        + 'stored).'),
      h('div', { class: 'filters' },
        h('div', {}, h('label', { for: 'quarantine-source' }, 'Source'), source),
        h('div', {}, h('label', { for: 'quarantine-code' }, 'Rejection code'), code)),
      holder));
  list();
}

/** What the event was: its type and, for a track, its name. */
function described(event) {
  return [event?.type ?? '—', event?.event && h('span', { class: 'block' }, event.event)];
}

function reasons(errors) {
  return (errors ?? []).map((e) => h('span', { class: 'block reason' }, h('code', {}, e.field), ` ${e.code}`));
}

/**
 * One quarantined event: why it was refused, the event as sent, and the replays: as stored (after fixing the plan),
 * or a corrected copy edited here. Correcting needs the event in clear: a key without pii:read sees masked
 * identifiers and hidden traits, which must never be sent back as the event's data.
 */
export async function quarantinedScreen(ctx, id) {
  const q = await ctx.read(`quarantined event ${id}`, () => quarantined(id));
  if (!q) {
    return;
  }
  const outcome = h('div', { role: 'status' });
  ctx.show(
    h('div', { class: 'heading' },
      h('h1', {}, 'Quarantined event'), h('a', { class: 'button', href: '#/quarantine' }, 'Quarantine')),
    h('div', { class: 'grid two' },
      card('Why it was refused', [
        facts([
          ['Source', q.source],
          ['Message id', q.messageId && h('code', {}, q.messageId)],
          ['Received', time(q.receivedAt)],
          ['Attempts', figure(q.attempts)],
          ['Last attempt', time(q.lastAttemptAt)],
        ]),
        table([
          ['Field', (e) => h('code', {}, e.field)],
          ['Code', (e) => e.code],
          ['Message', (e) => h('span', { class: 'reason' }, e.message)],
        ], q.errors ?? []),
        h('h2', { class: 'sub' }, 'The event as sent'),
        h('pre', { class: 'spec' }, h('code', {}, JSON.stringify(q.event, null, 2))),
      ]),
      card('Replay', [outcome, replays(ctx, q, outcome)])));
}

function replays(ctx, q, outcome) {
  const stored = h('button', { type: 'button' }, 'Replay as stored');
  stored.addEventListener('click', () => replay(ctx, stored, outcome, () => replayStored(q.id)));
  if (masked(q.event)) {
    return [
      h('p', { class: 'muted' }, 'Replay as stored once the tracking plan or the data it checks against is fixed.'),
      stored,
      h('p', { class: 'muted' }, 'Correcting the event needs the scope pii:read: without it its identifiers are masked '
        + 'and its traits hidden, and those must not be sent back as its data.'),
    ];
  }
  const editor = h('textarea', { id: 'corrected', rows: 14, spellcheck: false },
    JSON.stringify(q.event, null, 2));
  const corrected = h('button', { type: 'button' }, 'Replay corrected');
  corrected.addEventListener('click', () => {
    let event;
    try {
      event = JSON.parse(editor.value);
    } catch (error) {
      outcome.replaceChildren(h('p', { class: 'problem' }, `Not JSON: ${error.message}`));
      return;
    }
    replay(ctx, corrected, outcome, () => replayCorrected(q.id, event));
  });
  return [
    h('p', { class: 'muted' }, 'Replay as stored once the tracking plan is fixed, or correct the event (in the shape '
      + 'of POST /v1/events) and replay the copy.'),
    stored,
    h('label', { for: 'corrected' }, 'Corrected event'),
    editor,
    corrected,
  ];
}

async function replay(ctx, button, outcome, send) {
  button.disabled = true;
  let accepted = false;
  try {
    const result = await send();
    const first = result.outcomes?.[0];
    accepted = Boolean(first?.accepted);
    outcome.replaceChildren(first?.accepted
      ? h('p', { class: 'banner info' }, `Accepted${first.duplicate ? ' (already stored once)' : ''}: event `,
        h('code', {}, first.eventId ?? ''), '. It has left the quarantine.')
      : h('div', { class: 'problem' }, 'Refused again:', (first?.errors ?? []).map((e) =>
        h('span', { class: 'block reason' }, h('code', {}, e.field), ` ${e.code}: ${e.message}`))));
  } catch (error) {
    if (error.status === 400 || error.status === 413) {
      outcome.replaceChildren(h('p', { class: 'problem' }, error.problem?.detail ?? error.message));
    } else {
      ctx.fail(error);
    }
  } finally {
    // An accepted event has left the quarantine: nothing is left to replay.
    for (const other of outcome.parentElement?.querySelectorAll('button') ?? []) {
      other.disabled = accepted;
    }
    button.disabled = accepted;
  }
}

/** Whether the event shows masked identifiers or hidden traits, as the gateway gives them without pii:read. */
function masked(event) {
  const values = [...Object.values(event?.identifiers ?? {}), ...Object.values(event?.traits ?? {})].flat();
  return values.some((value) => looksMasked(value) || value === '****');
}
