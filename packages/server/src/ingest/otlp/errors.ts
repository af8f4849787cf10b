import { LookoutError } from '../../errors.ts';

export interface FieldViolation {
  field: string;
  description: string;
}

// A request body that cannot be decoded at all (not protobuf, not JSON, not an Export*Request,
// corrupt compression). Always a 400; OTLP clients must not retry it. The field violations go
// into the google.rpc.BadRequest detail of the response's Status.
export class OtlpDecodeError extends LookoutError {
  readonly violations: FieldViolation[];

  constructor(message: string, violations: FieldViolation[] = [], code: 'invalid_request' | 'invalid_json' = 'invalid_request') {
    super(code, message, violations.length > 0 ? { details: violations } : {});
    this.name = 'OtlpDecodeError';
    this.violations = violations;
  }
}
