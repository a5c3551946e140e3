// Text into HTML and SVG: every character that could end a text node or an attribute value
// becomes an entity, so whatever an alarm, an operator or a unit wrote shows as text and never
// runs. Pure.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Safe in a text node and in a quoted attribute value. Control characters other than tab and line breaks are dropped. */
export function escapeHtml(value: unknown): string {
  const s = value === undefined || value === null ? '' : String(value);
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** A URL for an href: only http(s), else null (javascript:, data:, file: and relative URLs are not made links). */
export function safeHref(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}
