// The README's page-keys table is the page's table (www/js/page-keys.js), row for row: a key
// added, renamed or described anew there fails here until the README says the same.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PAGE_KEYS, describe } from '../../www/js/page-keys.js';
import { ROOT, NAMES } from './helpers.mjs';

/** The rows of the first Markdown table after the line that starts with `heading`. */
function tableAfter(text, heading) {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.startsWith(heading));
  assert.ok(start >= 0, `the README has "${heading}"`);
  const first = lines.findIndex((line, k) => k > start && line.startsWith('|'));
  const end = lines.findIndex((line, k) => k > first && !line.startsWith('|'));
  return lines.slice(first + 2, end);
}

test("the README's page-keys table has the page's rows, in order, as the page describes them", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const rows = tableAfter(readme, 'Page keys of the fragment');
  const expected = PAGE_KEYS.map((row) => `| \`${row.example}\` | ${describe(row, NAMES).replaceAll('|', '\\|')} |`);
  assert.deepEqual(rows, expected);
  // Each example reads back as its key's own value, and the table's keys are distinct.
  assert.equal(new Set(PAGE_KEYS.map((row) => row.key)).size, PAGE_KEYS.length);
  for (const row of PAGE_KEYS) assert.ok(row.example.startsWith(`${row.key}=`), row.example);
});
