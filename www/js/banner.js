// The page's messages: the error banner (a view of store.error), the notice about a link that
// was partly refused, and the one polite live region that speaks brief messages. Errors stay
// visible, including a bug that escapes everything else; reset clears the banner.
import { $, el } from './dom.js';
import { store, setError } from './store.js';

export function syncBanner() {
  const banner = $('error-banner');
  // An alert: rewriting the same text could make a screen reader say it again.
  if (banner.textContent !== (store.error ?? '')) banner.textContent = store.error ?? '';
  banner.hidden = store.error === null;
}

/** Puts `text` in the live region (the same text again would be news to nobody). */
export function speak(text) {
  if ($('announce').textContent !== text) $('announce').textContent = text;
}

/** A message at the top of the page that stays until dismissed; also spoken. */
export function showNotice(text) {
  const notice = $('notice');
  const dismiss = el('button', { type: 'button', class: 'dismiss', text: 'Dismiss' });
  dismiss.addEventListener('click', () => {
    notice.hidden = true;
  });
  notice.replaceChildren(`${text} `, dismiss);
  notice.hidden = false;
  speak(text);
}

export function wireErrors() {
  window.addEventListener('error', (event) => store.error || setError(`Internal error: ${event.error?.message ?? event.message}`));
  window.addEventListener('unhandledrejection', (event) => store.error || setError(`Internal error: ${event.reason?.message ?? event.reason}`));
}
