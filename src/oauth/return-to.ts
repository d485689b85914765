/** Longest `returnTo` kept; anything longer falls back to `/`. */
const MAX_RETURN_TO_LENGTH = 512;

/**
 * The path the front end gets sent back to after Google sign-in, or `/`
 * (RFC 9700 §4.11, open redirectors). Only a same-origin relative path is
 * kept: it starts with a single `/`, is not protocol-relative (`//x`), has no
 * backslash (browsers read `/\x` as `//x`), no control characters or spaces,
 * and resolves to the same origin as a placeholder base.
 */
export function safeReturnTo(value: string | undefined | null): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_RETURN_TO_LENGTH) return '/';
  if (!value.startsWith('/') || value.startsWith('//')) return '/';
  // Backslashes, whitespace and control characters are normalised away by URL parsers in ways
  // that can turn a path into another origin; none belongs in a return path.
  if (
    value.includes('\\') ||
    [...value].some((ch) => /\s/.test(ch) || ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)
  )
    return '/';
  try {
    const base = 'https://return-to.invalid';
    const resolved = new URL(value, base);
    if (resolved.origin !== base) return '/';
    return `${resolved.pathname}${resolved.search}${resolved.hash}`;
  } catch {
    return '/';
  }
}
