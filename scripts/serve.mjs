// A tiny static server for the page and the browser tests: `node scripts/serve.mjs <dir> <port>`.
// Binds 127.0.0.1 only; port 0 picks a free port (the printed line carries the real one).
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

const [dirArg = 'www', portArg = '8000'] = process.argv.slice(2);
const root = resolve(dirArg);
const port = Number(portArg);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`usage: node scripts/serve.mjs <dir> <port>  (port ${portArg} is not 0..65535)`);
  process.exit(2);
}

async function file(urlPath) {
  let path;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const full = resolve(join(root, path));
  // Never serve outside the root.
  if (full !== root && !full.startsWith(root + sep)) return null;
  try {
    const info = await stat(full);
    return info.isDirectory() ? await file(join(path, 'index.html')) : { full, body: await readFile(full) };
  } catch {
    return null;
  }
}

const server = createServer(async (req, res) => {
  const found = req.method === 'GET' || req.method === 'HEAD' ? await file(new URL(req.url, 'http://x').pathname) : null;
  if (!found) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
    return;
  }
  res.writeHead(200, {
    'Content-Type': TYPES[extname(found.full).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': found.body.length,
    // A rebuilt wasm must never meet a cached glue file.
    'Cache-Control': 'no-store',
    // A page elsewhere may load the <dpo-sim> element, its worker and the wasm from here.
    'Access-Control-Allow-Origin': '*',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(req.method === 'HEAD' ? undefined : found.body);
});

server.listen(port, '127.0.0.1', () => {
  console.log(`Serving ${dirArg} at http://127.0.0.1:${server.address().port}/`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
