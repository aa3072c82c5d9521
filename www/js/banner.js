// The error banner, a view of store.error, and the notice, a message that stays until the
// next. Errors stay visible, including a bug that escapes everything else; reset clears the banner.
import { $ } from './dom.js';
import { store, setError } from './store.js';

export function syncBanner() {
  const banner = $('error-banner');
  // A live region: rewriting the same text could make a screen reader say it again.
  if (banner.textContent !== (store.error ?? '')) banner.textContent = store.error ?? '';
  banner.hidden = store.error === null;
}

export function showNotice(text) {
  $('notice').textContent = text;
  $('notice').hidden = false;
}

export function wireErrors() {
  window.addEventListener('error', (event) => store.error || setError(`Internal error: ${event.error?.message ?? event.message}`));
  window.addEventListener('unhandledrejection', (event) => store.error || setError(`Internal error: ${event.reason?.message ?? event.reason}`));
}
