import type { FastifyRequest } from 'fastify';

// A signed-in person whose request was refused before it got an auth (a project they have no role
// in): who they are, so the audit log records the refusal by them, not anonymously.
export interface RefusedPerson {
  userId: string;
  email: string;
}

const refused = new WeakMap<FastifyRequest, RefusedPerson>();

export function noteRefusedPerson(request: FastifyRequest, person: RefusedPerson): void {
  refused.set(request, person);
}

export function refusedPersonOf(request: FastifyRequest): RefusedPerson | undefined {
  return refused.get(request);
}
