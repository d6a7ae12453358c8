/**
 * DevOps Growth Engine backend plugin.
 *
 * @packageDocumentation
 */
export { devopsPlugin as default } from './plugin';
