// The settings panel: every setting, beside the plots rather than above them, opened by a
// button and closed by it, its Close button or Escape (focus goes back where it was).

function open(ui, on) {
  const $ = ui.$;
  $('settings-panel').hidden = !on;
  $('open-settings').setAttribute('aria-expanded', String(on));
  if (on) $('settings-panel').querySelector('input, select')?.focus();
  else $('open-settings').focus();
}

export function wirePanel(ui) {
  const $ = ui.$;
  $('open-settings').addEventListener('click', () => open(ui, $('settings-panel').hidden));
  $('close-settings').addEventListener('click', () => open(ui, false));
  $('settings-panel').addEventListener('keydown', (event) => {
    if (event.key === 'Escape') open(ui, false);
  });
}
