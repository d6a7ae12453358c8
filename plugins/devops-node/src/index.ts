/**
 * Extension points of the DevOps Growth Engine backend: report parsers (and, with later
 * modules, metrics and deploy providers).
 *
 * @packageDocumentation
 */
export * from './parsers';
