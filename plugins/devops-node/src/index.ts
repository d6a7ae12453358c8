/**
 * Extension points of the DevOps Growth Engine backend: report parsers and metrics providers
 * and deploy providers.
 *
 * @packageDocumentation
 */
export * from './parsers';
export * from './metrics';
export * from './config';
export * from './compliance';
export * from './deploys';
