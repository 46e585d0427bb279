import { importJob, importRejects, imports } from './api.js';
import { bytes, card, facts, figure, h, importRoute, pagedTable, saveFile, time } from './dom.js';

const STATUSES = ['uploading', 'queued', 'running', 'done', 'failed'];

/** A job still moving is read again this often while its screen is shown. */
const REFRESH_MS = 2000;

/** The imports screen: the workspace's file import jobs, newest first, optionally of one status. */
export function importsScreen(ctx) {
  const status = h('select', { id: 'import-status' },
    h('option', { value: '' }, 'Every status'), STATUSES.map((s) => h('option', { value: s }, s)));
  const holder = h('div');
  const list = () => {
    const jobs = pagedTable([
      ['File', (j) => [h('a', { href: importRoute(j.id) }, j.fileName || j.id), h('code', { class: 'block' }, j.id)]],
      ['Status', (j) => h('span', { class: `status ${j.status}` }, j.status)],
      ['Rows read', (j) => figure(j.rowsRead)],
      ['Accepted', (j) => figure(j.rowsAccepted)],
      ['Rejected', (j) => figure(j.rowsRejected)],
      ['Started', (j) => time(j.createdAt)],
      ['Last change', (j) => time(j.updatedAt)],
    ], (cursor) => imports(status.value, cursor), ctx.fail, status.value ? `No import is ${status.value}.` : 'No imports yet.');
    holder.replaceChildren(jobs.node);
    jobs.next();
  };
  status.addEventListener('change', list);
  ctx.show(
    h('h1', {}, 'Imports'),
    h('section', { class: 'card' },
      h('p', { class: 'muted' }, 'Files of customers and events loaded with the import API or ', h('code', {}, './portrait import'),
        ', newest first.'),
      h('div', { class: 'filters one' }, h('div', {}, h('label', { for: 'import-status' }, 'Status'), status)),
      holder));
  list();
}

/**
 * One import job: what was asked (format, mapping, defaults), where it stands, and its reject report. A job still
 * uploading, queued or running is read again every few seconds while the screen is shown.
 */
export async function importScreen(ctx, id) {
  const job = await ctx.read(`Import ${id}`, () => importJob(id));
  if (!job) {
    return;
  }
  const progress = card('Progress', progressFacts(job));
  ctx.show(
    h('div', { class: 'heading' },
      h('h1', {}, job.fileName || job.id), h('a', { class: 'button', href: '#/imports' }, 'All imports')),
    h('div', { class: 'grid two' },
      h('div', { class: 'stack' }, progress, rejects(ctx, job)),
      card('What it reads', [
        facts([
          ['Job', h('code', {}, job.id)],
          ['Format', job.format],
          ['Worksheet', job.sheet],
          ['Encoding', job.encoding],
          ['Time zone', job.timeZone],
          ['Source', job.source],
          ['Event type', job.type],
          ['Event', job.event],
          ['Channel', job.channel],
        ]),
        job.mapping && Object.keys(job.mapping).length > 0 && table(job.mapping),
      ])));
  follow(ctx, job, progress);
}

function table(mapping) {
  return h('div', { class: 'scroll' }, h('table', {},
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Column'), h('th', { scope: 'col' }, 'Becomes'))),
    h('tbody', {}, Object.entries(mapping).map(([column, field]) =>
      h('tr', {}, h('td', {}, h('code', {}, column)), h('td', {}, h('code', {}, field)))))));
}

function progressFacts(job) {
  return [
    facts([
      ['Status', h('span', { class: `status ${job.status}` }, job.status)],
      ['File', bytes(job.bytes)],
      ['Rows read', figure(job.rowsRead)],
      ['Accepted', figure(job.rowsAccepted)],
      ['Rejected', figure(job.rowsRejected)],
      ['Started', time(job.createdAt)],
      ['Last change', time(job.updatedAt)],
    ]),
    job.error && h('p', { class: 'problem' }, job.error),
  ];
}

const moving = (job) => ['uploading', 'queued', 'running'].includes(job.status);

/** Reads a job still moving again until it is done or failed, or the user leaves the screen. */
async function follow(ctx, job, progress) {
  let current = job;
  while (moving(current)) {
    await new Promise((resolve) => setTimeout(resolve, REFRESH_MS));
    if (!ctx.shown()) {
      return;
    }
    try {
      current = await importJob(current.id);
    } catch (error) {
      ctx.fail(error);
      return;
    }
    progress.replaceChildren(h('h2', {}, 'Progress'), ...progressFacts(current).filter(Boolean));
  }
}

/** The reject report: one line per reason a row was refused, as a CSV file. */
function rejects(ctx, job) {
  const outcome = h('span', { class: 'outcome', role: 'status' });
  const button = h('button', { type: 'button' }, 'Download the reject report');
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const report = await importRejects(job.id);
      saveFile(report.blob, report.name ?? `${job.id}-rejects.csv`);
      outcome.replaceChildren(h('span', { class: 'muted' }, `${report.name ?? `${job.id}-rejects.csv`} saved.`));
    } catch (error) {
      ctx.fail(error);
    } finally {
      button.disabled = false;
    }
  });
  if (!moving(job) && job.rowsRejected === 0) {
    return card('Rejected rows', h('p', { class: 'muted' }, 'No row was rejected.'));
  }
  return card('Rejected rows', [
    h('p', { class: 'muted' }, 'One line per reason a row was refused: its row number (the header not counted), the '
      + 'field, the code and the message. A rejected row is not on any profile; it waits in the quarantine, where it '
      + 'can be corrected and replayed, or is imported again from a corrected file.'),
    button,
    outcome,
  ]);
}
