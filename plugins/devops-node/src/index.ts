/**
 * Extension points of the DevOps Growth Engine backend: report parsers and metrics providers
 * (and, with later modules, deploy providers).
 *
 * @packageDocumentation
 */
export * from './parsers';
export * from './metrics';
export * from './config';
export * from './compliance';
