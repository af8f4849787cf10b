// Compiles only when A is assignable to B: `Assert<Extends<SpanRecord, z.output<typeof spanSchema>>>`.
export type Extends<A, B> = [A] extends [B] ? true : false;
export type Assert<T extends true> = T;
