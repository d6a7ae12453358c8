export { devopsPlugin as default } from './plugin';
