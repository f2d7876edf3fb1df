// The package ships types that TypeScript's "bundler" resolution cannot reach through its
// exports map; this declares the part of its API Vigil uses.
declare module 'mongodb-connection-string-url' {
  export default class ConnectionString {
    constructor(uri: string, options?: { looseValidation?: boolean });
    hosts: string[];
    pathname: string;
    password: string;
    toString(): string;
  }
}
