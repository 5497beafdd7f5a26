/**
 * The renderer's Content Security Policy, defined once: the build puts it in index.html (the
 * Electron window loads files, which carry no headers) and the web server also sends it as a
 * header together with the directives a meta tag cannot carry.
 */
const directives: Record<string, string> = {
  'default-src': "'none'",
  'script-src': "'self'",
  'style-src': "'self'",
  'img-src': "'self' data:",
  'font-src': "'self'",
  'connect-src': "'self' ws://127.0.0.1:* ws://localhost:*",
  'base-uri': "'none'",
  'form-action': "'none'",
  'object-src': "'none'",
};

function render(extra: Record<string, string> = {}): string {
  return Object.entries({ ...directives, ...extra })
    .map(([name, value]) => `${name} ${value}`)
    .join('; ');
}

export const metaContentSecurityPolicy = render();
export const headerContentSecurityPolicy = render({ 'frame-ancestors': "'none'" });
