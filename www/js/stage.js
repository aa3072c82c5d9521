// The parts every simulator view has, built the same way for the page and for each
// <dpo-sim> element: the sliders on top, the transport, the story's end, the plots.
import { el } from './dom.js';
import { storyParts } from './story.js';

/**
 * The sliders' place, play / step / reset, the pace, the step counter and the line under them
 * (there from the start, so nothing moves when it changes): the story's verdict, or while many
 * steps run in slices, their progress and a Stop button.
 */
export function controlsParts() {
  return [
    el('div', { id: 'prominent', class: 'prominent' }),
    el('div', { class: 'transport' }, [
      el('button', { id: 'play', type: 'button', class: 'primary', 'aria-keyshortcuts': 'Space', text: 'Play' }),
      el('button', { id: 'step', type: 'button', 'aria-keyshortcuts': 'ArrowRight', text: 'Step' }),
      el('button', { id: 'reset', type: 'button', 'aria-keyshortcuts': 'r', text: 'Reset' }),
      el('label', { class: 'speed', for: 'speed' }, ['Pace ', el('select', { id: 'speed' })]),
      el('span', { class: 'step-counter' }, ['step ', el('span', { id: 'step-count', class: 'step-count', text: '0' })]),
    ]),
    el('div', { id: 'story-line', class: 'story-end' }, [
      el('p', { id: 'story-end', class: 'verdict' }),
      el('p', { id: 'work', class: 'work', hidden: true }, [
        el('span', { id: 'work-text' }),
        ' ',
        el('button', { id: 'work-stop', type: 'button', text: 'Stop' }),
      ]),
    ]),
  ];
}

/** A whole compact simulator (an element's shadow root holds one). */
export function compactStage() {
  return el('div', { class: 'sim compact element natural' }, [
    el('div', { id: 'error-banner', class: 'error-banner', role: 'alert', hidden: true }),
    el('div', { class: 'embed-head' }, [
      el('p', { id: 'embed-title', class: 'embed-title' }),
      storyParts(),
    ]),
    el('section', { class: 'main-controls', 'aria-label': 'Sampling quality, support and playback' }, controlsParts()),
    el('section', { id: 'plots', class: 'plots', 'aria-label': 'Plots' }),
    el('p', { id: 'announce', class: 'visually-hidden', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' }),
  ]);
}
