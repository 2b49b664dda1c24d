/** Scope path rules live in the domain (the index, policies and authorization share them). */
export { isCanonicalScope, parentPath } from '../domain/scope-path.ts';
