/** Why a ceremony was refused: for logs only, never for the client. */
export class CeremonyRejectedError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = this.constructor.name;
  }
}
