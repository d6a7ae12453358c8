/**
 * Types, permissions, annotation names and shared logic of the DevOps Growth Engine plugins.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './permissions';
export * from './coverage';
export * from './api';
export * from './performance';
export * from './performanceTargets';
export * from './text';
export * from './security';
export * from './securityAnnotations';
export * from './deploys';
export * from './deployAnnotations';
export * from './environments';
