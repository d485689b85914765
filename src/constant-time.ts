import { timingSafeEqual } from 'node:crypto';

/** Compares two secrets (a state, a nonce, a code's hash, a header proof) in constant time. */
export function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
