import pkg from '../package.json' with { type: 'json' };

// The server's version, as its package says: in the OpenAPI document and `lookout --version`.
export const LOOKOUT_VERSION: string = pkg.version;
