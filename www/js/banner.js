// A simulator's messages: the error banner (a view of ui.error), the notice about a link that
// was partly refused, and the one polite live region that speaks brief messages. Errors stay
// visible; reset clears the banner.
import { el, setText } from './dom.js';
import { setError } from './ui.js';

export function syncBanner(ui) {
  const banner = ui.$('error-banner');
  // An alert: rewriting the same text could make a screen reader say it again (setText doesn't).
  setText(banner, ui.error ?? '');
  banner.hidden = ui.error === null;
}

/** Puts `text` in the live region (the same text again would be news to nobody). */
export function speak(ui, text) {
  setText(ui.$('announce'), text);
}

/** A message at the top that stays until dismissed; also spoken. */
export function showNotice(ui, text) {
  const notice = ui.$('notice');
  const dismiss = el('button', { type: 'button', class: 'dismiss', text: 'Dismiss' });
  dismiss.addEventListener('click', () => {
    notice.hidden = true;
  });
  notice.replaceChildren(`${text} `, dismiss);
  notice.hidden = false;
  speak(ui, text);
}

/** Anything that escapes (a bug) shows in the page's banner too. */
export function wireErrors(ui) {
  window.addEventListener('error', (event) => ui.error || setError(ui, `Internal error: ${event.error?.message ?? event.message}`));
  window.addEventListener('unhandledrejection', (event) => ui.error || setError(ui, `Internal error: ${event.reason?.message ?? event.reason}`));
}
