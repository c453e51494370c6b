// A policy input already encoded as JSON text. Callers that send the same large parts again and again
// (a token's issuance context, at every introspection of it) keep those parts' JSON and join them with
// the parts that change, instead of building an object the pool then walks and encodes whole each time.
// The pool sends `json` to its workers as is; the audit log stores it as is.

export class EncodedInput {
  constructor(
    /** The input, as JSON text of an object. */
    readonly json: string,
    /** For the audit record: the HTTP request id (`input.context.environment.request_id`), if any. */
    readonly requestId: string | null,
    /** For the audit record: `input.context.client.client_id`, if any. */
    readonly clientId: string | null,
  ) {}
}
