/**
 * Serves the built VitePress site (docs/.vitepress/dist) with clean URLs: /labs/basic-vip is
 * labs/basic-vip.html, /guide/ is guide/index.html. Only files inside the site folder are ever
 * served: the URL path is decoded and normalised first, then checked to stay under the root.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The candidate files for a URL path, in the order tried, all inside `root`; none when the path is
 * malformed or tries to leave the root.
 */
export function siteCandidates(root: string, urlPath: string): string[] {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return [];
  }
  if (decoded.includes('\0') || decoded.includes('\\') || !decoded.startsWith('/')) return [];
  if (decoded.split('/').includes('..')) return [];
  const rel = path.posix.normalize(decoded);
  const base = path.resolve(root);
  const inside = (p: string) => {
    const abs = path.resolve(base, '.' + p);
    return abs === base || abs.startsWith(base + path.sep) ? [abs] : [];
  };
  if (rel.endsWith('/')) return inside(rel + 'index.html');
  return [...inside(rel), ...inside(rel + '.html'), ...inside(rel + '/index.html')];
}

/** The first candidate that is a regular file, or undefined. */
export async function resolveSiteFile(root: string, urlPath: string): Promise<string | undefined> {
  for (const candidate of siteCandidates(root, urlPath)) {
    try {
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** Handle one HTTP request for the site. */
export async function serveSite(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  // The pages hand out root shells: never let another site frame them.
  res.setHeader('X-Frame-Options', 'DENY');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('Only GET and HEAD are served here.\n');
    return;
  }
  const urlPath = (req.url ?? '/').split(/[?#]/)[0] || '/';
  const file = await resolveSiteFile(root, urlPath);
  if (file) return sendFile(req, res, file, 200);
  const notFound = await resolveSiteFile(root, '/404.html');
  if (notFound) return sendFile(req, res, notFound, 404);
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`Not found: ${urlPath}\n`);
}

async function sendFile(req: IncomingMessage, res: ServerResponse, file: string, status: number): Promise<void> {
  const st = await stat(file);
  const hashedAsset = /[\\/]assets[\\/]/.test(file) && /\.[0-9a-zA-Z_-]{8,}\.\w+$/.test(file);
  res.writeHead(status, {
    'Content-Type': contentTypeFor(file),
    'Content-Length': st.size,
    // Built assets carry a content hash in their names; pages must be re-fetched after a rebuild.
    'Cache-Control': hashedAsset ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
