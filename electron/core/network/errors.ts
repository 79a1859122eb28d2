/** The coordinator could not be reached (refused, reset, timed out). Worth retrying later. */
export class CoordinatorUnreachable extends Error {
  constructor(url: string, cause: unknown) {
    super(
      `Cannot reach the network at ${url}: ${cause instanceof Error ? cause.message : String(cause)}. Check the address and your connection; Rigshare keeps retrying.`,
    );
    this.name = 'CoordinatorUnreachable';
  }
}

/** The coordinator answered with an error. `status` 4xx means retrying the same request will not help. */
export class CoordinatorRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CoordinatorRefused';
  }

  get retryable(): boolean {
    return this.status >= 500 || this.status === 429;
  }
}

/** A signed message from the coordinator failed verification; it is dropped and never acted on. */
export class UntrustedMessage extends Error {
  constructor(
    readonly what: string,
    readonly reason: string,
  ) {
    super(`Refused a ${what} from the network: ${reason}.`);
    this.name = 'UntrustedMessage';
  }
}
