// The "Share / embed" dialog: the link, the talk-mode link, and an iframe snippet (with the
// few lines that size the iframe to its content) for the plots an author picks.
import { el, setText } from './dom.js';
import { writeFragment, longLink } from './codec.js';
import { CHARTS } from './wasm.js';
import { DEFAULT_PLOTS } from './page-keys.js';
import { copy } from './export.js';

const RESIZE_SCRIPT = `<script>
// Sizes the simulator's iframe to its content as the reader's window changes.
addEventListener('message', (event) => {
  if (event.data?.type !== 'dpo-sim-size') return;
  for (const frame of document.querySelectorAll('iframe')) {
    if (frame.contentWindow === event.source) frame.height = event.data.height;
  }
});
</script>`;

const here = () => location.href.split('#')[0];

function fill(ui) {
  const $ = ui.$;
  const link = (keys) => `${here()}#${writeFragment(ui.query, { preset: ui.preset, ...keys })}`;
  $('share-link').value = location.href;
  const long = longLink(location.href);
  $('share-long').hidden = !long;
  setText($('share-long'), long ?? '');
  $('share-talk').value = link({ talk: true });
  const plots = [...$('embed-plots').querySelectorAll('input:checked')].map((b) => b.value);
  const src = link({ embed: true, plots: plots.length ? plots : null, title: $('embed-heading').value.trim() || null });
  const size = (id) => Math.round(Number($(id).value)) || Number($(id).defaultValue);
  $('share-embed').value = `<iframe src="${src}" width="${size('embed-width')}" height="${size('embed-height')}" `
    + `title="DPO sampling-quality simulator" style="border:0; max-width:100%" loading="lazy"></iframe>\n${RESIZE_SCRIPT}`;
}

export function wireShare(ui) {
  const $ = ui.$;
  for (const chart of CHARTS) {
    const box = el('input', { type: 'checkbox', value: chart.key, checked: DEFAULT_PLOTS.includes(chart.key) });
    $('embed-plots').append(el('label', {}, [box, ` ${chart.title}`]));
  }
  $('open-share').addEventListener('click', () => {
    fill(ui);
    $('share-dialog').showModal();
  });
  $('share-dialog').addEventListener('input', () => fill(ui));
  for (const button of $('share-dialog').querySelectorAll('[data-copy]')) {
    const field = $(button.dataset.copy);
    const what = field.labels[0]?.textContent.split(' (')[0].split(':')[0] ?? 'Text';
    button.addEventListener('click', () => copy(ui, field.value, button, what));
  }
}
