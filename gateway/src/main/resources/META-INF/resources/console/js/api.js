/**
 * The console's only door to Portrait: the public REST API, called with the user's API key.
 *
 * Every call the console makes is declared in ENDPOINTS (method, path template, the scope it needs), and nowhere
 * else: the gateway's ConsoleTest reads these declarations and checks each against the OpenAPI document, so the
 * console cannot drift from the API.
 */

export const ENDPOINTS = Object.freeze({
  lookup: { method: 'GET', path: '/v1/profiles/lookup', scope: 'profiles:read' },
  profile: { method: 'GET', path: '/v1/profiles/{id}', scope: 'profiles:read' },
  timeline: { method: 'GET', path: '/v1/profiles/{id}/events', scope: 'profiles:read' },
  segments: { method: 'GET', path: '/v1/segments', scope: 'profiles:read' },
  count: { method: 'POST', path: '/v1/segments/count', scope: 'profiles:read' },
  createSegment: { method: 'POST', path: '/v1/segments', scope: 'tags:admin' },
  refreshSegment: { method: 'POST', path: '/v1/segments/{code}/refresh', scope: 'tags:admin' },
  segment: { method: 'GET', path: '/v1/segments/{code}', scope: 'profiles:read' },
  members: { method: 'GET', path: '/v1/segments/{code}/members', scope: 'profiles:read' },
  membersCsv: { method: 'GET', path: '/v1/segments/{code}/members.csv', scope: 'profiles:read' },
  categories: { method: 'GET', path: '/v1/tags/categories', scope: 'profiles:read' },
  tags: { method: 'GET', path: '/v1/tags', scope: 'profiles:read' },
  tag: { method: 'GET', path: '/v1/tags/{code}', scope: 'profiles:read' },
  insight: { method: 'GET', path: '/v1/tags/{code}/insight', scope: 'profiles:read' },
  tagValues: { method: 'GET', path: '/v1/tags/{code}/values', scope: 'profiles:read' },
  destinations: { method: 'GET', path: '/v1/destinations', scope: 'tags:admin' },
  imports: { method: 'GET', path: '/v1/imports', scope: 'profiles:read' },
  quarantine: { method: 'GET', path: '/v1/quarantine', scope: 'profiles:read' },
  quarantined: { method: 'GET', path: '/v1/quarantine/{id}', scope: 'profiles:read' },
  replayStored: { method: 'POST', path: '/v1/quarantine/replay', scope: 'events:write' },
  replayCorrected: { method: 'POST', path: '/v1/quarantine/{id}/replay', scope: 'events:write' },
  importJob: { method: 'GET', path: '/v1/imports/{id}', scope: 'profiles:read' },
  importRejects: { method: 'GET', path: '/v1/imports/{id}/rejects', scope: 'profiles:read' },
});

/** The gateway's root, relative to this file (console/js/api.js), so the console works behind a path prefix too. */
const ROOT = new URL('../../', import.meta.url);

/** The key lives in this tab's sessionStorage only: closing the tab or signing out forgets it. */
const KEY_ITEM = 'portrait.console.apiKey';

export const session = Object.freeze({
  key: () => sessionStorage.getItem(KEY_ITEM),
  signIn: (key) => sessionStorage.setItem(KEY_ITEM, key.trim()),
  signOut: () => sessionStorage.removeItem(KEY_ITEM),
});

/** A refused call, with the problem+json the gateway answered and a sentence for the user. */
export class ApiError extends Error {
  constructor(status, problem, endpoint) {
    super(describe(status, problem, endpoint));
    this.status = status;
    this.problem = problem;
    this.endpoint = endpoint;
  }
}

function describe(status, problem, endpoint) {
  const detail = problem?.detail ?? problem?.title ?? '';
  switch (status) {
    case 0:
      return `The gateway did not answer. ${detail}`.trim();
    case 401:
      return `Your API key was refused: ${detail}`;
    case 403:
      return `Your key lacks the scope ${endpoint.scope} that this screen needs. ${detail}`.trim();
    case 404:
      return `Not found. ${detail}`.trim();
    default:
      return `${problem?.title ?? 'Error'} (${status}). ${detail}`.trim();
  }
}

/** The endpoint's path with its {placeholders} filled in, each value encoded as one path segment. */
export function expand(template, params = {}) {
  return template.replace(/\{(\w+)\}/g, (_, name) => {
    const value = params[name];
    if (value === undefined || value === null || value === '') {
      throw new Error(`Missing path parameter ${name} of ${template}`);
    }
    return encodeURIComponent(value);
  });
}

/**
 * Calls one endpoint and answers its JSON, or throws an ApiError. Query parameters that are empty are left out; a
 * body is sent as JSON. No cookie or other ambient credential is sent: the API key is the only one.
 */
export async function call(endpoint, options = {}) {
  return json(await send(endpoint, options, 'application/json, application/problem+json'));
}

/** Calls one endpoint that answers a file and answers it as {blob, name}, name from its Content-Disposition. */
export async function file(endpoint, options = {}) {
  const response = await send(endpoint, options, '*/*');
  const name = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '')?.[1];
  return { blob: await response.blob(), name };
}

async function send(endpoint, { path = {}, query = {}, body } = {}, accept) {
  const key = session.key();
  if (!key) {
    throw new ApiError(401, { detail: 'Sign in with an API key.' }, endpoint);
  }
  const url = new URL(expand(endpoint.path, path).slice(1), ROOT);
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') {
      url.searchParams.set(name, value);
    }
  }
  let response;
  try {
    response = await fetch(url, {
      method: endpoint.method,
      headers: {
        'X-API-Key': key,
        Accept: accept,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
    });
  } catch (failure) {
    throw new ApiError(0, { detail: String(failure?.message ?? failure) }, endpoint);
  }
  if (!response.ok) {
    throw new ApiError(response.status, (await json(response)) ?? { title: response.statusText }, endpoint);
  }
  return response;
}

async function json(response) {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

/** The profile holding an identifier (the value is normalized by the gateway, so any spelling finds it). */
export const lookup = (type, value) => call(ENDPOINTS.lookup, { query: { type, value } });

/** A profile by id; a merged-away id answers with its survivor. */
export const profile = (id) => call(ENDPOINTS.profile, { path: { id } });

/** One page of a profile's events, newest first; pass the previous page's next as cursor. */
export const timeline = (id, cursor, limit = 50) => call(ENDPOINTS.timeline, { path: { id }, query: { limit, cursor } });

/** One page of segments, by code. */
export const segments = (cursor, limit = 50) => call(ENDPOINTS.segments, { query: { limit, cursor } });

/** How many profiles a segment rule (its text form) selects, of all profiles known, without saving it. */
export const countRule = (rule) => call(ENDPOINTS.count, { body: { rule } });

/** Saves a segment of a rule (its text form); answers the segment with its members computed. */
export const createSegment = (code, name, description, rule) =>
  call(ENDPOINTS.createSegment, { body: { code, name, description, rule } });

/** Recomputes a segment's members now; answers the segment and how many entered and left. */
export const refreshSegment = (code) => call(ENDPOINTS.refreshSegment, { path: { code } });

/** The whole membership as CSV, with the asked identifier types, traits and tag codes (comma-separated). */
export const membersCsv = (code, identifiers, traits, tags) =>
  file(ENDPOINTS.membersCsv, { path: { code }, query: { identifiers, traits, tags } });

export const segment = (code) => call(ENDPOINTS.segment, { path: { code } });

/**
 * One page of a segment's members (profile ids and since when), each with the identifier types, traits and tags
 * asked (comma-separated; masked without pii:read).
 */
export const members = (code, cursor, { identifiers, traits, tags } = {}, limit = 100) =>
  call(ENDPOINTS.members, { path: { code }, query: { limit, cursor, identifiers, traits, tags } });

/** One page of the taxonomy's categories, by code (up to 500 a page). */
export const categories = (cursor, limit = 500) => call(ENDPOINTS.categories, { query: { limit, cursor } });

/** One page of tag definitions, by code (up to 500 a page). */
export const tags = (cursor, limit = 500) => call(ENDPOINTS.tags, { query: { limit, cursor } });

/** A tag's definition with every version of its spec. */
export const tag = (code) => call(ENDPOINTS.tag, { path: { code } });

/** Coverage and value distribution of a tag's live version: its `top` most frequent values. */
export const insight = (code, top = 20) => call(ENDPOINTS.insight, { path: { code }, query: { top } });

/** One page of the profiles holding a value of the tag's live version, with the reason each holds. */
export const tagValues = (code, cursor, limit = 100) => call(ENDPOINTS.tagValues, { path: { code }, query: { limit, cursor } });

/** Every webhook destination of the workspace (one page holds them all), with each segment's delivery. */
export const destinations = () => call(ENDPOINTS.destinations);

/** One page of the workspace's import jobs, newest first; status keeps one status (empty for all). */
export const imports = (status, cursor, limit = 50) => call(ENDPOINTS.imports, { query: { status, limit, cursor } });

/** One import job with its status and progress. */
export const importJob = (id) => call(ENDPOINTS.importJob, { path: { id } });

/** An import's reject report as a CSV file (row, field, code, message). */
export const importRejects = (id) => file(ENDPOINTS.importRejects, { path: { id } });

/** One page of the quarantine, newest first, of one source and one rejection code when given. */
export const quarantine = (source, code, cursor, limit = 50) =>
  call(ENDPOINTS.quarantine, { query: { source, code, limit, cursor } });

/** One quarantined event as sent, with every reason (masked without pii:read). */
export const quarantined = (id) => call(ENDPOINTS.quarantined, { path: { id } });

/** Validates the stored event again: accepted, it leaves the quarantine. */
export const replayStored = (id) => call(ENDPOINTS.replayStored, { body: { ids: [id] } });

/** Validates a corrected copy (an event in the shape of POST /v1/events) in place of the stored one. */
export const replayCorrected = (id, event) => call(ENDPOINTS.replayCorrected, { path: { id }, body: event });
