import { session } from './api.js';
import { destinationsScreen } from './destinations.js';
import { h, problem } from './dom.js';
import { importScreen, importsScreen } from './imports.js';
import { lookupScreen } from './lookup.js';
import { profileScreen } from './profile.js';
import { quarantineScreen, quarantinedScreen } from './quarantine.js';
import { segmentScreen, segmentsScreen } from './segments.js';
import { signIn } from './signin.js';
import { tagScreen, tagsScreen } from './tags.js';
import { timelineScreen } from './timeline.js';

/**
 * The console's shell: routes (#/, #/profile/{id}, #/profile/{id}/timeline, #/tags, #/tags/{code}, #/segments,
 * #/segments/{code}, #/destinations, #/imports, #/imports/{id}, #/quarantine, #/quarantine/{id}), the sign-in gate
 * and the handling of failed calls shared by every screen.
 */
const main = document.getElementById('main');
const nav = document.getElementById('nav');

/** The view a lookup just read, so opening it does not read it twice. */
let remembered = null;
/** The failure shown above the screen; the next one replaces it. */
let shownProblem = null;
/** Counts routes taken, so an answer for a screen left behind is dropped. */
let generation = 0;

const shell = {
  /** Replaces the screen with the nodes given; absent ones (a card a screen leaves out: null, false) are skipped. */
  show: (...nodes) => main.replaceChildren(...nodes.filter((node) => node !== undefined && node !== null && node !== false)),
  loading: (what) => main.replaceChildren(h('p', { class: 'muted' }, `Loading ${what} …`)),
  remember: (view) => {
    remembered = view;
  },
  recall: (id) => {
    const view = remembered?.id === id ? remembered : null;
    remembered = null;
    return view;
  },
  signedIn: () => route(),
  /** 401 forgets the key and asks for one; any other failure is shown above the screen. */
  fail: (error) => {
    if (error?.status === 401) {
      signOut(error.message);
      return;
    }
    shownProblem?.remove();
    shownProblem = problem(error?.message ?? String(error));
    main.prepend(shownProblem);
    shownProblem.scrollIntoView({ block: 'nearest' });
  },
};

function signOut(message) {
  session.signOut();
  remembered = null;
  nav.hidden = true;
  generation++;
  signIn(shell, message);
}

function route() {
  if (!session.key()) {
    signOut();
    return;
  }
  nav.hidden = false;
  // A screen still loading when the user moves on must not draw over the next one.
  const current = ++generation;
  const ctx = { ...shell,
    show: (...nodes) => current === generation && shell.show(...nodes),
    fail: (error) => current === generation && shell.fail(error),
    /** Whether the screen is still the one shown: a screen that polls stops once the user has moved on. */
    shown: () => current === generation };
  /** Says what is loading and answers what read() reads; undefined when it failed, the failure shown in its place. */
  ctx.read = async (what, read) => {
    ctx.loading(what);
    try {
      return await read();
    } catch (error) {
      ctx.show();
      ctx.fail(error);
      return undefined;
    }
  };
  const [screen, key, sub] = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decode);
  if (screen === 'profile' && key && sub === 'timeline') {
    timelineScreen(ctx, key);
  } else if (screen === 'profile' && key) {
    profileScreen(ctx, key);
  } else if (screen === 'segments' && key) {
    segmentScreen(ctx, key);
  } else if (screen === 'segments') {
    segmentsScreen(ctx);
  } else if (screen === 'tags' && key) {
    tagScreen(ctx, key);
  } else if (screen === 'tags') {
    tagsScreen(ctx);
  } else if (screen === 'destinations') {
    destinationsScreen(ctx);
  } else if (screen === 'quarantine' && key) {
    quarantinedScreen(ctx, key);
  } else if (screen === 'quarantine') {
    quarantineScreen(ctx);
  } else if (screen === 'imports' && key) {
    importScreen(ctx, key);
  } else if (screen === 'imports') {
    importsScreen(ctx);
  } else {
    lookupScreen(ctx);
  }
}

/** A route segment as typed; one that is not valid percent-encoding is taken as it is. */
function decode(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

document.getElementById('sign-out').addEventListener('click', () => {
  signOut();
  history.replaceState(null, '', '#/');
});
window.addEventListener('hashchange', route);
route();
