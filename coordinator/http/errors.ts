/** An error with the HTTP status and stable code the protocol answers with. */
export class ProtocolError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

export const badRequest = (m: string) => new ProtocolError(400, 'bad_request', m);
export const unauthorized = (code: string, m: string) => new ProtocolError(401, code, m);
export const forbidden = (m: string) => new ProtocolError(403, 'forbidden', m);
export const notFound = (m: string) => new ProtocolError(404, 'not_found', m);
export const conflict = (code: string, m: string) => new ProtocolError(409, code, m);
