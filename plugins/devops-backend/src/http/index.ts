export { EntityAccess } from './access';
export type { EntityRouteParams } from './access';
export { auditedMutation, withAudit } from './audit';
export { parseRequest } from './parse';
export {
  entityRefSchema,
  environmentSchema,
  jsonBody,
  textSchema,
} from './rules';
