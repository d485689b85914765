/** Decoded clientDataJSON (WebAuthn §5.8.1), or null if it is not JSON. */
export function clientDataOf(clientDataJSON: string): { crossOrigin?: unknown; topOrigin?: unknown } | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8'));
    return parsed !== null && typeof parsed === 'object' ? parsed : null;
  } catch {
    return null;
  }
}
