// Every read takes the project id as a required, typed argument: there is no query without a
// scope. Writes carry the project id inside each record.

declare const projectIdBrand: unique symbol;
export type ProjectId = string & { readonly [projectIdBrand]: true };
export function projectId(id: string): ProjectId {
  return id as ProjectId;
}
export const DEFAULT_PROJECT = projectId('default');
